"""An accepted order keeps its status while a change to it is reviewed, and the
order page says who decided what, links the as-of view and offers only the actions
that still apply."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit import dashboard
from orders.models import Order
from requirements import confirmations
from tests import factories
from tests.changes.conftest import assess_all, raise_change, sign, submitted_order

pytestmark = pytest.mark.django_db


def order_page(client, user, order) -> str:
    client.force_login(user)
    response = client.get(reverse("orders:order_detail", args=[order.number]))
    assert response.status_code == 200
    return response.content.decode()


def test_an_accepted_order_stays_accepted_while_its_change_is_reviewed(
    client, accepted_order, service_user, team
):
    revision = raise_change(accepted_order, service_user, {"quantity": 300})
    # A first verdict on the change does not move it to "In review" either.
    assess_all(revision.review, team)
    accepted_order.refresh_from_db()
    assert accepted_order.status == Order.Status.ACCEPTED
    assert accepted_order.change_in_review
    page = order_page(client, service_user, accepted_order)
    assert 'data-testid="order-status">Accepted — change in review</span>' in page
    assert "now</div><strong>Accepted — change in review</strong>" in page
    listing = client.get(reverse("orders:order_list")).content.decode()
    assert "<td>Accepted — change in review</td>" in listing
    counts = {value: n for value, _, n in dashboard.orders_by_status()}
    assert counts["accepted_change_in_review"] == 1
    assert counts["awaiting_review"] == counts["in_review"] == 0


@pytest.mark.parametrize("outcome", ["accept", "reject"])
def test_deciding_the_change_ends_change_in_review(
    accepted_order, service_user, team, approver, outcome
):
    revision = raise_change(accepted_order, service_user, {"quantity": 300})
    assess_all(revision.review, team)
    sign(revision.review, approver, outcome, "Too many" if outcome == "reject" else "")
    accepted_order.refresh_from_db()
    # A rejected change leaves the order on what was accepted before it.
    assert (accepted_order.status, accepted_order.change_in_review) == (
        Order.Status.ACCEPTED,
        False,
    )
    assert accepted_order.status_label == "Accepted"


def test_the_database_refuses_change_in_review_on_an_order_not_accepted(
    change_version, service_user
):
    order = submitted_order(change_version, service_user).order
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(change_in_review=True)


def test_status_timeline_names_who_accepted_and_rejected_and_when(
    client, accepted_order, service_user, team, approver
):
    revision = raise_change(accepted_order, service_user, {"quantity": 300})
    assess_all(revision.review, team)
    sign(revision.review, approver, "reject", "Capacity is booked")
    page = order_page(client, service_user, accepted_order)
    timeline = page[page.index('id="timeline"') :]
    first = accepted_order.revisions.get(number=1).review.decision
    when = f"{timezone.localtime(first.decided_at):%Y-%m-%d %H:%M}"
    assert f"{when}</div>Revision 1 accepted <span" in timeline
    assert f"— {approver.printed_name}</span>" in timeline
    assert (
        f'Revision 2 rejected: Capacity is booked <span class="text-body-secondary">'
        f"— {approver.printed_name}</span>" in timeline
    )


def test_order_page_links_the_as_of_view_for_those_who_may_open_it(
    client, accepted_order, service_user, auditor, approver
):
    link = reverse("audit:order_as_of", args=[accepted_order.number])
    assert link in order_page(client, auditor, accepted_order)
    assert link in order_page(client, approver, accepted_order)
    assert link not in order_page(client, service_user, accepted_order)


def test_record_customer_confirmation_is_offered_only_while_it_applies(
    client, change_version, service_user, team, approver
):
    revision = submitted_order(change_version, service_user)
    order = revision.order
    Order.objects.filter(pk=order.pk).update(documented_statement=False)
    order.refresh_from_db()
    button = reverse("orders:revision_confirmation", args=[order.number, 1])
    assert button in order_page(client, service_user, order)
    confirmations.confirmation_record(
        revision=revision,
        user=service_user,
        method="Read back by phone",
        confirmed_at=timezone.now(),
        communication=factories.CommunicationFactory(
            customer=order.customer, order=order
        ),
    )
    assert button not in order_page(client, service_user, order)
    assess_all(revision.review, team)
    sign(revision.review, approver)
    assert button not in order_page(client, service_user, order)
    # An order with a documented statement never needed it.
    other = submitted_order(change_version, service_user).order
    assert reverse(
        "orders:revision_confirmation", args=[other.number, 1]
    ) not in order_page(client, service_user, other)
