"""Daily use of the review page: marking open items at once, control names, the
keyboard path, carried-forward items folded away, the sign page's help texts."""

import re

import pytest
from django.urls import reverse

from orders.models import Order
from reviews import bulk_assessment
from reviews.models import Assessment
from tests.reviews.conftest import assess, submit_revision

pytestmark = pytest.mark.django_db


def can_meet_url(review):
    return reverse("reviews:assessments_can_meet", args=[review.pk])


@pytest.fixture
def busy_review(engineering, commercial):
    """Three Engineering requirements and one Commercial."""
    return submit_revision(engineering, engineering, engineering, commercial)


def mine(review, discipline):
    return list(review.assessments.filter(discipline=discipline).order_by("pk"))


def can_meet_post(review, exceptions=(), step="apply", shown=None):
    """What the bulk page posts: the open items it listed, the exceptions ticked."""
    if shown is None:
        shown = [a.pk for a in review.assessments.filter(verdict="").order_by("pk")]
    return {
        "shown": ",".join(str(pk) for pk in shown),
        "revision": review.requirement_set.number,
        "exceptions": list(exceptions),
        "step": step,
    }


def test_confirmation_lists_only_my_open_items_none_excepted(
    client, busy_review, reviewer, approver, engineering
):
    first, *_ = mine(busy_review, engineering)
    assess(first, reviewer)
    client.force_login(reviewer)
    response = client.get(can_meet_url(busy_review))
    assert response.status_code == 200
    page = response.content.decode()
    boxes = re.findall(
        r'<input type="checkbox" name="exceptions" value="(\d+)"([^>]*)>', page
    )
    open_mine = {a.pk for a in mine(busy_review, engineering) if not a.verdict}
    assert {int(pk) for pk, _ in boxes} == open_mine
    assert len(open_mine) == 2
    assert not any("checked" in rest for _, rest in boxes)
    assert f'value="{first.pk}"' not in page
    # Commercial's slot is not this reviewer's to mark.
    commercial_slot = busy_review.assessments.exclude(discipline=engineering).get()
    assert f'value="{commercial_slot.pk}"' not in page


def test_marking_all_but_the_ticked_exception_leaves_it_open(
    client, busy_review, reviewer, engineering
):
    a, b, c = mine(busy_review, engineering)
    client.force_login(reviewer)
    confirm = client.post(
        can_meet_url(busy_review), can_meet_post(busy_review, [b.pk], "confirm")
    )
    assert confirm.status_code == 200
    assert "2 requirement(s) will be marked" in confirm.content.decode()
    assert not busy_review.assessments.exclude(verdict="").exists()
    response = client.post(
        can_meet_url(busy_review), can_meet_post(busy_review, [b.pk])
    )
    assert response.status_code == 302
    assert response.url == reverse("reviews:review_detail", args=[busy_review.pk])
    verdicts = {x.pk: x for x in Assessment.objects.filter(pk__in=[a.pk, b.pk, c.pk])}
    assert verdicts[a.pk].verdict == verdicts[c.pk].verdict == "can_meet"
    assert verdicts[a.pk].assessed_by == reviewer
    assert verdicts[b.pk].verdict == ""
    assert Order.objects.get(pk=busy_review.order_id).status == Order.Status.IN_REVIEW
    page = client.get(response.url).content.decode()
    assert "Marked 2 requirement(s) as can meet." in page


def test_everything_excepted_is_a_message_beside_the_list_not_a_500(
    client, busy_review, reviewer, engineering
):
    client.force_login(reviewer)
    every = [a.pk for a in mine(busy_review, engineering)]
    response = client.post(
        can_meet_url(busy_review), can_meet_post(busy_review, every, "confirm")
    )
    assert response.status_code == 200
    assert "Nothing is left to mark" in response.content.decode()
    assert not busy_review.assessments.exclude(verdict="").exists()


def test_a_slot_assessed_meanwhile_is_not_overwritten(
    client, busy_review, reviewer, engineering
):
    a, b, _ = mine(busy_review, engineering)
    marked = bulk_assessment.assessments_record_can_meet(
        review=busy_review, user=reviewer, assessment_ids=[a.pk]
    )
    assert [m.pk for m in marked] == [a.pk]
    assess(b, reviewer, "conditions", "Only with the thicker coating")
    again = bulk_assessment.assessments_record_can_meet(
        review=busy_review, user=reviewer, assessment_ids=[a.pk, b.pk]
    )
    assert again == []
    b.refresh_from_db()
    assert b.verdict == "conditions"


def test_service_refuses_slots_of_other_disciplines(busy_review, reviewer, engineering):
    foreign = busy_review.assessments.exclude(discipline=engineering).get()
    assert (
        bulk_assessment.assessments_record_can_meet(
            review=busy_review, user=reviewer, assessment_ids=[foreign.pk]
        )
        == []
    )
    foreign.refresh_from_db()
    assert foreign.verdict == ""


def test_can_meet_page_refuses_anonymous_wrong_role_unknown_and_put(
    client, busy_review, service_user, auditor, reviewer
):
    url = can_meet_url(busy_review)
    assert client.get(url).status_code == 302
    client.force_login(service_user)
    assert client.get(url).status_code == 403
    client.force_login(auditor)
    assert client.post(url, {}).status_code == 403
    client.force_login(reviewer)
    assert (
        client.get(reverse("reviews:assessments_can_meet", args=[999999])).status_code
        == 404
    )
    assert client.put(url).status_code == 405


def test_review_page_offers_bulk_marking_and_a_skip_link_to_my_first_open_item(
    client, busy_review, reviewer, engineering
):
    a, b, _ = mine(busy_review, engineering)
    assess(a, reviewer)
    client.force_login(reviewer)
    page = client.get(
        reverse("reviews:review_detail", args=[busy_review.pk])
    ).content.decode()
    assert can_meet_url(busy_review) in page
    assert f'<a href="#a{b.pk}">Skip to my first open item' in page
    assert f'id="a{b.pk}" tabindex="-1"' in page


def test_every_control_is_named_after_its_requirement(
    client, busy_review, reviewer, engineering
):
    slots = mine(busy_review, engineering)
    client.force_login(reviewer)
    page = client.get(
        reverse("reviews:review_detail", args=[busy_review.pk])
    ).content.decode()
    for slot_ in slots:
        statement = slot_.requirement.statement
        assert f"Verdict of Engineering on {statement}</legend>" in page
        assert (
            f'<span class="visually-hidden"> verdict on {statement}</span></button>'
            in page
        )
        assert f'<span class="visually-hidden"> on {statement}</span></label>' in page


def test_help_texts_exist_for_every_aria_describedby(
    client, busy_review, reviewer, approver
):
    client.force_login(reviewer)
    pages = [client.get(reverse("reviews:review_detail", args=[busy_review.pk]))]
    client.force_login(approver)
    pages.append(client.get(reverse("reviews:decision_sign", args=[busy_review.pk])))
    for response in pages:
        html = response.content.decode()
        described = re.findall(r'aria-describedby="([^"]+)"', html)
        assert described
        for ids in described:
            for target in ids.split():
                assert f'id="{target}"' in html, target


def test_acceptance_record_buttons_are_not_grey_like_disabled_ones(
    client, busy_review, reviewer
):
    client.force_login(reviewer)
    url = reverse(
        "reviews:acceptance_record",
        args=[busy_review.order.number, busy_review.requirement_set.number],
    )
    html = client.get(url).content.decode()
    pdf = re.search(r'<a class="([^"]+)" href="[^"]+/pdf/">Download PDF</a>', html)
    back = re.search(r'<a class="([^"]+)" href="[^"]+">Review page</a>', html)
    assert pdf and "btn-primary" in pdf.group(1).split()
    assert back and "btn-outline-primary" in back.group(1).split()
