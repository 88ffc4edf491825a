"""Customer service hears by e-mail (staffmail) when an order they entered is
accepted subject to conditions, and when the customer answers them."""

import pytest
from django.core import mail
from django.utils import timezone

from pages.agreements import customer_answer_record
from reviews.models import CustomerAgreement
from tests.changes.conftest import sign

pytestmark = pytest.mark.django_db


def to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def test_the_decision_e_mail_says_the_conditions_wait_for_the_customer(
    assessed_with_condition, approver, service_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign(assessed_with_condition, approver)

    [told] = to(service_user)
    assert told.subject.endswith(": accepted")
    assert "accepted with conditions: it stands once the customer agrees" in told.body


def test_a_declined_answer_reaches_whoever_entered_the_order_with_the_next_step(
    conditional_order, service_user, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        customer_answer_record(
            agreement=CustomerAgreement.objects.get(order=conditional_order),
            state="declined",
            answered_by_name="Jo Buyer",
            answered_via="phone",
            answered_at=timezone.now(),
            comment="March is too late <b>for us</b>",
            recorded_by=service_user,
            note="Called back",
        )

    [told] = to(service_user)
    assert told.subject.endswith(": customer declined the conditions")
    assert "Jo Buyer declined the conditions of revision 1" in told.body
    assert "March is too late <b>for us</b>" in told.body  # plain text, as typed
    assert "raise a change order" in told.body
    assert conditional_order.get_absolute_url() in told.body
