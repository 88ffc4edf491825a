"""A change accepted with conditions the customer declines does not take effect: the
order stays on its last agreed revision, and so do its value and the header facts
(requested date) the change's submission had taken from its answers, as after a
rejected change."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Order
from pages.agreements import customer_answer_record
from requirements import selectors as req_selectors
from reviews.models import CustomerAgreement
from tests.agreements.conftest import agreement_token
from tests.money.conftest import changed_money_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def conditional_change(service_user, approver):
    """The change (50, due 2027-01-15) accepted with conditions: the order shows
    the change's value and date while the customer's answer is awaited."""
    change, decide = changed_money_order(service_user, approver)
    decide(change.review, "accept", verdict="conditions")
    order = Order.objects.get(pk=change.order_id)
    assert (order.status, order.change_in_review) == ("accepted", True)
    assert (order.value, str(order.requested_date)) == (
        Decimal("500.00"),
        "2027-01-15",
    )
    return order


def assert_as_agreed(order: Order) -> None:
    order.refresh_from_db()
    assert (order.status, order.change_in_review) == ("accepted", False)
    assert req_selectors.last_accepted_revision(order).number == 1
    assert (order.value, order.value_currency) == (Decimal("20.00"), "EUR")
    assert str(order.requested_date) == "2027-03-01"


def by_phone(user, state: str, comment: str = "") -> None:
    """The customer's answer as customer service record it."""
    customer_answer_record(
        agreement=CustomerAgreement.objects.get(state="pending"),
        state=state,
        answered_by_name="Jo Buyer",
        answered_via="phone",
        answered_at=timezone.now(),
        comment=comment,
        recorded_by=user,
        note="Jo called back.",
    )


def test_declined_by_phone_gives_the_order_back_its_agreed_value_and_date(
    conditional_change, service_user
):
    by_phone(service_user, "declined", "We need them in January")
    assert_as_agreed(conditional_change)


def test_declined_through_the_portal_gives_the_order_back_its_agreed_value_and_date(
    client, conditional_change
):
    url = reverse("orders:agreement_portal", args=[agreement_token(conditional_change)])
    data = {"answer": "declined", "name": "Jo", "comment": "January or nothing"}
    page = client.post(url, {**data, "confirmed": "on"})
    assert page.status_code == 200
    assert CustomerAgreement.objects.get().state == "declined"
    assert_as_agreed(conditional_change)


def test_agreed_keeps_the_changes_value_and_date(conditional_change, service_user):
    by_phone(service_user, "agreed")
    order = conditional_change
    order.refresh_from_db()
    assert req_selectors.last_accepted_revision(order).number == 2
    assert (order.value, str(order.requested_date)) == (Decimal("500.00"), "2027-01-15")
