"""Carried-forward verdicts: folded on the review page, named in the audit trail as
carried forward with their original assessor; the trail names related objects and
links each order-related change to the order as of then."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from orders.models import Channel, Order
from requirements import services as req_services
from reviews.models import Assessment
from tests import factories
from tests.changes.conftest import raise_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def change_review(accepted_order, service_user):
    return raise_change(accepted_order, service_user, {"quantity": 300}).review


def test_review_page_folds_carried_forward_verdicts_in_details(
    client, change_review, planner
):
    client.force_login(planner)
    page = client.get(
        reverse("reviews:review_detail", args=[change_review.pk])
    ).content.decode()
    carried = change_review.assessments.exclude(carried_from=None)
    fresh = change_review.assessments.get(carried_from=None)
    assert carried.count() == 2
    folded = re.findall(r'<details class="mt-2">.*?</details>', page, re.S)
    assert len(folded) == 2  # Engineering's and Commercial's group
    inside = "".join(folded)
    for assessment in carried:
        assert f'id="a{assessment.pk}"' in inside
    assert f'id="a{fresh.pk}"' not in inside
    assert "1 verdict(s) carried forward" in inside


def test_audit_timeline_shows_who_gave_a_carried_forward_verdict(
    client, change_review, auditor, reviewer
):
    carried = change_review.assessments.exclude(carried_from=None).get(
        assessed_by=reviewer
    )
    client.force_login(auditor)
    page = client.get(
        reverse("audit:timeline"), {"model": "reviews.assessment"}
    ).content.decode()
    row = re.search(
        rf"<tr>(?:(?!</tr>).)*#{carried.pk}\b(?:(?!</tr>).)*</tr>", page, re.S
    )
    assert row, page
    assert "<td>Carried forward</td>" in row.group(0)
    assert (
        f"Verdict carried forward from revision 1: can meet, assessed by "
        f"{reviewer.printed_name}" in row.group(0)
    )
    history = client.get(
        reverse("audit:object_history", args=["reviews.assessment", carried.pk])
    ).content.decode()
    assert "Created with a verdict carried forward" in history
    assert f"<ins>{reviewer.printed_name} (#{reviewer.pk})</ins>" in history


def test_object_history_names_the_customer_instead_of_its_id(
    client, change_version, auditor, service_user
):
    # A draft's customer may still change (a submitted order's is frozen).
    before = factories.CustomerFactory(name="Alpha Tooling")
    draft = req_services.intake_start(
        user=service_user,
        form_version=change_version,
        channel=Channel.EMAIL,
        customer=before,
        documented_statement=True,
        answers={},
    )
    after = factories.CustomerFactory(name="Beta Tooling")
    order = Order.objects.get(pk=draft.order_id)
    order.customer = after
    order._history_user = service_user
    order.save()
    client.force_login(auditor)
    page = client.get(
        reverse("audit:object_history", args=["orders.order", order.pk])
    ).content.decode()
    assert f"<del>{before} (#{before.pk})</del>" in page
    assert f"<ins>{after} (#{after.pk})</ins>" in page
    assert f"<del>{before.pk}</del>" not in page


def test_timeline_rows_of_an_order_link_its_as_of_view(client, change_review, auditor):
    number = change_review.order.number
    client.force_login(auditor)
    page = client.get(reverse("audit:timeline")).content.decode()
    link = reverse("audit:order_as_of", args=[number]) + "?at="
    # Rows of the order, its revisions, requirements and assessments all link it.
    assert page.count(link) >= 10
    at = re.search(re.escape(link) + r"([0-9T:-]+)", page).group(1)
    # Followed a few seconds later (the moment is to the second, after the change).
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=3), tick=False):
        snapshot = client.get(reverse("audit:order_as_of", args=[number]), {"at": at})
    assert snapshot.status_code == 200
    html = snapshot.content.decode()
    assert "Choose a moment" not in html
    assert 'data-testid="order-status">Accepted — change in review</dd>' in html
    assert Assessment.objects.filter(review=change_review).exists()
