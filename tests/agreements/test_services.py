"""Conditional acceptance (ISO 9001 8.2.3.1 e) through the services: a signed
acceptance with conditions waits for the customer, who agrees or declines."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from communications import notices
from communications.models import Communication, NoticeKind, OutboundNotice
from orders.models import Order
from pages.agreements import customer_answer_record
from requirements import change_orders
from requirements import selectors as req_selectors
from reviews import agreement_selectors, agreements
from reviews.models import CustomerAgreement, Signature
from tests.agreements.conftest import (
    CONDITION,
    agreement_token,
    assess_with_condition,
)
from tests.changes.conftest import (
    assess_all,
    raise_change,
    sign,
    submitted_order,
)

pytestmark = pytest.mark.django_db


def answer(order, user=None, state="agreed", **overrides):
    agreement = CustomerAgreement.objects.get(order=order, state="pending")
    fields = {
        "state": state,
        "answered_by_name": "Jo Buyer",
        "answered_via": "phone",
        "answered_at": timezone.now(),
        "comment": "" if state == "agreed" else "March is too late for us",
        "recorded_by": user,
        "note": "Jo called back about the delivery date.",
    }
    return customer_answer_record(agreement=agreement, **{**fields, **overrides})


def test_an_acceptance_with_conditions_waits_for_the_customers_agreement(
    conditional_order,
):
    assert conditional_order.status == Order.Status.AWAITING_AGREEMENT
    assert conditional_order.get_status_display() == "Awaiting customer agreement"
    agreement = CustomerAgreement.objects.get(order=conditional_order)
    assert agreement.state == "pending"
    assert agreement.revision_number == 1
    assert agreement.content_hash == Signature.objects.get().content_hash
    assert agreement.conditions == [
        {
            "statement": "Quantity",
            "key": "quantity",
            "discipline": "Production / capacity",
            "note": CONDITION,
        }
    ]
    # Not the agreed baseline until the customer agrees.
    assert req_selectors.last_accepted_revision(conditional_order) is None


def test_an_acceptance_without_conditions_stays_plainly_accepted(
    change_version, service_user, team, approver
):
    revision = submitted_order(change_version, service_user)
    assess_all(revision.review, team)
    sign(revision.review, approver)
    order = Order.objects.get(pk=revision.order_id)
    assert order.status == Order.Status.ACCEPTED
    assert not CustomerAgreement.objects.exists()
    notice = OutboundNotice.objects.get(kind=NoticeKind.ACCEPTANCE)
    assert "/agreement/" not in notice.body


def test_the_notice_asks_for_agreement_with_the_conditions_and_a_link(
    conditional_order,
):
    notice = OutboundNotice.objects.get(kind=NoticeKind.ACCEPTANCE)
    assert "subject to your agreement" in notice.body
    assert CONDITION in notice.body
    token = agreement_token(conditional_order)
    agreement = agreement_selectors.agreement_for_token(token)
    assert agreement.order == conditional_order
    # Only the token's hash is stored with the agreement.
    assert agreement.token_hash != token
    assert token not in str(CustomerAgreement.objects.values().get())


def test_the_answer_link_is_in_the_sent_e_mail_only_and_each_send_makes_a_new_one(
    assessed_with_condition, approver, django_capture_on_commit_callbacks
):
    """Staff and auditors read the notice on file, its history and the logged
    communication: none holds a link that would let them answer as the customer."""
    with django_capture_on_commit_callbacks(execute=True):
        sign(assessed_with_condition, approver)
    notice = OutboundNotice.objects.get(kind=NoticeKind.ACCEPTANCE)
    assert notice.status == "sent"
    [sent] = [m for m in mail.outbox if m.to == [notice.to_address]]
    token = re.search(r"/agreement/([A-Za-z0-9_-]+)/", sent.body).group(1)
    assert agreement_selectors.agreement_for_token(token) is not None

    stored = [notice.body, notice.communication.body]
    stored += [h.body for h in notice.history.all()]
    assert all(token not in text and "/agreement/" not in text for text in stored)
    assert all(notices.AGREEMENT_LINK_PLACEHOLDER in text for text in stored[:2])

    # A second e-mail (a resend) carries a new link; the first stops working.
    newer = agreement_token(notice.order)
    assert agreement_selectors.agreement_for_token(token) is None
    assert agreement_selectors.agreement_for_token(newer) is not None


def test_the_default_template_says_subject_to_agreement_and_carries_the_link():
    subject, body = notices.DEFAULT_TEMPLATES[NoticeKind.ACCEPTANCE]
    subject, body = notices.validate_template(
        kind=NoticeKind.ACCEPTANCE, subject=subject, body=body
    )
    assert subject.endswith("accepted subject to your agreement")
    assert "https://orders.example.com/agreement/sample-link/" in body
    assert body.count("sample-link") == 1


def test_agreed_accepts_the_order_with_a_documenting_communication(
    conditional_order, service_user
):
    agreement = answer(conditional_order, service_user)
    order = Order.objects.get(pk=conditional_order.pk)
    assert order.status == Order.Status.ACCEPTED
    assert (agreement.state, agreement.answered_by_name) == ("agreed", "Jo Buyer")
    assert agreement.recorded_by == service_user
    communication = agreement.communication
    assert communication.direction == Communication.Direction.INBOUND
    assert communication.channel == Communication.Channel.PHONE
    assert communication.order == order
    assert req_selectors.last_accepted_revision(order).number == 1
    reasons = list(order.history.values_list("history_change_reason", flat=True))
    assert "The customer agreed to the conditions of revision 1" in reasons


def test_an_existing_communication_can_document_the_answer(
    conditional_order, service_user
):
    letter = Communication.objects.create(
        customer=conditional_order.customer,
        order=conditional_order,
        direction="in",
        channel="letter",
        kind="other",
        subject="Signed conditions",
        occurred_at=timezone.now(),
    )
    agreement = answer(
        conditional_order, service_user, communication=letter, answered_via="letter"
    )
    assert agreement.communication == letter
    assert Communication.objects.filter(direction="in").count() == 1


def test_declined_sends_the_order_back_to_customer_service(
    conditional_order, service_user
):
    agreement = answer(conditional_order, service_user, state="declined")
    order = Order.objects.get(pk=conditional_order.pk)
    assert order.status == Order.Status.CONDITIONS_DECLINED
    assert agreement.comment == "March is too late for us"
    assert req_selectors.last_accepted_revision(order) is None


def test_a_decline_needs_the_customers_reason(conditional_order, service_user):
    with pytest.raises(ValidationError) as error:
        answer(conditional_order, service_user, state="declined", comment=" ")
    assert "comment" in error.value.message_dict
    assert not Communication.objects.filter(direction="in").exists()


def test_after_a_decline_a_change_order_can_be_raised(conditional_order, service_user):
    answer(conditional_order, service_user, state="declined")
    revision = raise_change(
        Order.objects.get(pk=conditional_order.pk), service_user, {"quantity": 200}
    )
    order = Order.objects.get(pk=conditional_order.pk)
    assert revision.number == 2
    assert order.status == Order.Status.AWAITING_REVIEW


def test_no_change_order_while_the_customers_answer_is_pending(
    conditional_order, service_user
):
    with pytest.raises(ValidationError, match="waits for the customer"):
        change_orders.change_order_start(
            order=conditional_order,
            user=service_user,
            reason="Customer called",
            channel="phone",
            requested_by="Jo",
        )


def test_an_approver_closes_a_declined_order_as_rejected_with_a_reason(
    conditional_order, service_user, approver
):
    answer(conditional_order, service_user, state="declined")
    with pytest.raises(ValidationError, match="Only an approver"):
        agreements.order_close_declined(
            order=conditional_order, user=service_user, reason="No deal"
        )
    with pytest.raises(ValidationError) as error:
        agreements.order_close_declined(
            order=conditional_order, user=approver, reason=" "
        )
    assert "reason" in error.value.message_dict
    order = agreements.order_close_declined(
        order=conditional_order, user=approver, reason="Customer went elsewhere"
    )
    assert order.status == Order.Status.REJECTED
    latest = order.history.first()
    assert latest.history_user == approver
    assert "Customer went elsewhere" in latest.history_change_reason


def test_only_a_declined_order_can_be_closed_that_way(conditional_order, approver):
    with pytest.raises(ValidationError, match="declined the conditions"):
        agreements.order_close_declined(
            order=conditional_order, user=approver, reason="No deal"
        )


def test_an_answer_before_the_decision_is_refused_and_nothing_is_written(
    conditional_order, service_user
):
    decided_at = CustomerAgreement.objects.get().decision.decided_at
    with pytest.raises(ValidationError) as error:
        answer(
            conditional_order,
            service_user,
            answered_at=decided_at - datetime.timedelta(days=1),
        )
    assert "before the decision" in str(error.value.message_dict["answered_at"])
    assert not Communication.objects.filter(direction="in").exists()
    assert CustomerAgreement.objects.get().state == "pending"


def test_an_answer_in_the_future_is_refused(conditional_order, service_user):
    with pytest.raises(ValidationError) as error:
        answer(
            conditional_order,
            service_user,
            answered_at=timezone.now() + datetime.timedelta(days=1),
        )
    assert "future" in str(error.value.message_dict["answered_at"])
    assert CustomerAgreement.objects.get().state == "pending"


def test_an_answer_is_recorded_once(conditional_order, service_user):
    agreement = CustomerAgreement.objects.get()
    answer(conditional_order, service_user)
    with pytest.raises(ValidationError, match="already recorded"):
        customer_answer_record(
            agreement=agreement,
            state="declined",
            answered_by_name="Someone else",
            answered_via="email",
            answered_at=timezone.now(),
            comment="Changed my mind",
            recorded_by=service_user,
            note="An e-mail",
        )
    assert CustomerAgreement.objects.get().state == "agreed"


def test_a_communication_of_another_order_cannot_document_the_answer(
    conditional_order, service_user
):
    other = Communication.objects.create(
        customer=conditional_order.customer,
        direction="in",
        channel="phone",
        kind="other",
        subject="About something else",
        occurred_at=timezone.now(),
    )
    with pytest.raises(ValidationError) as error:
        answer(conditional_order, service_user, communication=other)
    assert "communication" in error.value.message_dict


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"state": "pending"}, "agreement_answered_iff_not_pending"),
        ({"answered_by_name": ""}, "agreement_answered_iff_not_pending"),
        ({"communication": None}, "agreement_answered_iff_not_pending"),
        ({"state": "maybe"}, "agreement_state_valid"),
        ({"answered_via": "pigeon"}, "agreement_via_valid"),
    ],
)
def test_the_database_keeps_answers_consistent(
    conditional_order, service_user, changes, constraint
):
    answer(conditional_order, service_user)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        CustomerAgreement.objects.filter(order=conditional_order).update(**changes)


def test_the_database_refuses_a_pending_agreement_with_an_answer(conditional_order):
    with (
        pytest.raises(IntegrityError, match="agreement_answered_iff_not_pending"),
        transaction.atomic(),
    ):
        CustomerAgreement.objects.filter(order=conditional_order).update(
            answered_by_name="Jo"
        )


def test_the_database_refuses_a_decline_without_a_reason(
    conditional_order, service_user
):
    answer(conditional_order, service_user, state="declined")
    with (
        pytest.raises(IntegrityError, match="agreement_decline_needs_reason"),
        transaction.atomic(),
    ):
        CustomerAgreement.objects.filter(order=conditional_order).update(comment="")


def test_a_portal_token_refuses_once_used_or_expired(conditional_order):
    token = agreement_token(conditional_order)
    agreement = agreement_selectors.agreement_for_token(token)
    assert agreement_selectors.agreement_refusal(agreement) == ""
    assert "not known" in agreement_selectors.agreement_refusal(
        agreement_selectors.agreement_for_token("wrong-token")
    )
    CustomerAgreement.objects.filter(pk=agreement.pk).update(
        token_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    agreement.refresh_from_db()
    assert "expired" in agreement_selectors.agreement_refusal(agreement)


# --- a change to an accepted order --------------------------------------------------


@pytest.fixture
def changed_with_condition(accepted_order, service_user, team, approver, production):
    """Revision 1 plainly accepted; revision 2 accepted with a condition."""
    revision = raise_change(accepted_order, service_user, {"quantity": 400})
    assess_with_condition(revision.review, team, production)
    sign(revision.review, approver)
    return Order.objects.get(pk=accepted_order.pk)


@pytest.fixture
def accepted_order(change_version, service_user, team, approver):
    revision = submitted_order(change_version, service_user)
    assess_all(revision.review, team)
    sign(revision.review, approver)
    return Order.objects.get(pk=revision.order_id)


def test_a_change_with_conditions_leaves_the_order_accepted_with_the_change_in_review(
    changed_with_condition,
):
    order = changed_with_condition
    assert (order.status, order.change_in_review) == ("accepted", True)
    assert req_selectors.last_accepted_revision(order).number == 1
    notice = OutboundNotice.objects.get(kind=NoticeKind.CHANGE, revision_number=2)
    assert notices.AGREEMENT_LINK_PLACEHOLDER in notice.body


def test_an_agreed_change_becomes_the_baseline(changed_with_condition, service_user):
    answer(changed_with_condition, service_user)
    order = Order.objects.get(pk=changed_with_condition.pk)
    assert (order.status, order.change_in_review) == ("accepted", False)
    assert req_selectors.last_accepted_revision(order).number == 2


def test_a_declined_change_leaves_the_order_on_its_last_agreed_revision(
    changed_with_condition, service_user
):
    answer(changed_with_condition, service_user, state="declined")
    order = Order.objects.get(pk=changed_with_condition.pk)
    assert (order.status, order.change_in_review) == ("accepted", False)
    assert req_selectors.last_accepted_revision(order).number == 1


def test_the_portal_answer_is_refused_once_the_link_expired(conditional_order):
    CustomerAgreement.objects.update(
        token_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    with pytest.raises(ValidationError, match="expired"):
        answer(conditional_order, None, answered_via="portal")
    assert CustomerAgreement.objects.get().state == "pending"


def test_customer_service_may_record_an_answer_after_the_link_expired(
    conditional_order, service_user
):
    CustomerAgreement.objects.update(
        token_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert answer(conditional_order, service_user).state == "agreed"
