"""A change order's diff shows only what the person changed, for every kind."""

import pytest
from django.urls import reverse

from requirements.models import RequirementSet
from tests.daily.conftest import POSTED

pytestmark = pytest.mark.django_db


def change_page(client, order) -> str:
    response = client.post(
        reverse("requirements:change_new", args=[order.number]),
        {
            "reason": "Longer part",
            "channel": "phone",
            "requested_by": "Jo Buyer",
            # Followed up in writing: no confirmation of its own (8.2.3.1).
            "documented_statement": "yes",
        },
    )
    assert response.status_code == 302
    return response.url


def test_saving_a_change_draft_shows_only_the_answer_that_changed(client, accepted):
    url = change_page(client, accepted)
    # The page posted as a browser sends it: every answer as text.
    response = client.post(url, {**POSTED, "a-length": "5200", "save": "1"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "0 added · 1 changed · 0 removed · 9 unchanged" in page
    draft = accepted.revisions.get(number=2)
    assert draft.answers["pieces"] == 4
    assert draft.answers["coated"] is True
    assert draft.answers["length"] == "5200"


def test_the_submitted_change_diff_matches_what_the_draft_showed(client, accepted):
    url = change_page(client, accepted)
    client.post(url, {**POSTED, "a-length": "5200", "save": "1"})
    response = client.post(url, {**POSTED, "a-length": "5200", "submit": "1"})
    assert response.status_code == 302, response.content.decode()
    page = client.get(response.url).content.decode()
    assert "0 added · 1 changed · 0 removed · 9 unchanged" in page


def test_a_draft_saved_as_text_before_the_fix_still_diffs_by_value(client, accepted):
    url = change_page(client, accepted)
    draft = accepted.revisions.get(number=2)
    # What drafts held before answers were stored typed.
    RequirementSet.objects.filter(pk=draft.pk).update(
        answers={
            **draft.answers,
            "pieces": "4",
            "coated": "yes",
            "length": "5200",
        }
    )
    page = client.get(url).content.decode()
    assert "0 added · 1 changed · 0 removed · 9 unchanged" in page


def test_an_answer_that_does_not_parse_is_kept_as_typed(client, accepted):
    url = change_page(client, accepted)
    response = client.post(url, {**POSTED, "a-pieces": "four", "save": "1"})
    assert response.status_code == 200
    assert accepted.revisions.get(number=2).answers["pieces"] == "four"
