"""Conditional acceptance (ISO 9001 8.2.3.1 e): conditions are a counter-offer.

A signed acceptance whose review has any "can meet with conditions" verdict opens a
CustomerAgreement; the order is accepted once the customer agrees to the conditions.

agreement_open()         inside decision_sign: the frozen conditions and a portal token
agreement_answer()       the customer's answer (portal or recorded by customer service)
order_close_declined()   an approver closes an order whose conditions were declined

Who answered and how is documented by a Communication; the pages layer creates it and
calls agreement_answer in the same transaction (reviews may not import
communications, so the agreement refers to it by id only).
"""

import datetime
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from orderreview import events, roles
from orderreview.history import attribute
from orderreview.models import User
from orders.models import Order
from orders.services import (
    order_mapped_answers_apply,
    order_status_set,
    order_value_apply,
    quote_validity_restore,
    token_hash,
)
from requirements import selectors as requirement_selectors
from requirements.models import RequirementSet
from reviews.models import Assessment, CustomerAgreement, Decision, Review

# A customer's answer cannot be dated later than now; a few minutes allow for
# clocks that differ between the recorder's computer and the server.
CLOCK_SLACK = datetime.timedelta(minutes=5)
CLOSE_REASON_MAX = 1000


def conditions_offered(review: Review) -> list[dict[str, Any]]:
    """The conditions of a review's verdicts as offered to the customer: requirement
    statement and key, discipline and the reviewer's note."""
    return [
        {
            "statement": assessment.requirement.statement,
            "key": assessment.requirement.key,
            "discipline": str(assessment.discipline),
            "note": assessment.note,
        }
        for assessment in review.assessments.select_related(
            "requirement", "discipline"
        ).order_by("discipline__name", "requirement__position", "pk")
        if assessment.verdict == Assessment.Verdict.CONDITIONS
    ]


def agreement_open(
    *,
    decision: Decision,
    review: Review,
    conditions: list[dict[str, Any]],
    content_hash: str,
    user: User,
) -> tuple[CustomerAgreement, str]:
    """A pending agreement for a just-signed conditional acceptance. Runs inside
    decision_sign's transaction. Its first token is never shown (the returned one
    only marks the decision notice as asking for agreement): the link the customer
    uses is issued when the notice e-mail is sent (agreement_link_issue)."""
    token = secrets.token_urlsafe(32)
    agreement = CustomerAgreement(
        decision=decision,
        order_id=review.order_id,
        revision_number=review.requirement_set.number,
        content_hash=content_hash,
        conditions=conditions,
        token_hash=token_hash(token),
        token_expires_at=timezone.now()
        + datetime.timedelta(days=settings.PORTAL_LINK_DAYS),
    )
    attribute(agreement, user=user, reason="Conditions offered to the customer")
    agreement.save()
    return agreement, token


@transaction.atomic
def agreement_link_issue(*, order: Order) -> str | None:
    """A fresh portal token for the order's pending agreement, for the e-mail being
    sent (only its SHA-256 is kept; the link of any earlier e-mail stops working,
    and the link is valid PORTAL_LINK_DAYS from now). None when nothing waits."""
    agreement = (
        CustomerAgreement.objects.select_for_update()
        .filter(order=order, state=CustomerAgreement.State.PENDING)
        .order_by("-pk")
        .first()
    )
    if agreement is None:
        return None
    token = secrets.token_urlsafe(32)
    agreement.token_hash = token_hash(token)
    agreement.token_expires_at = timezone.now() + datetime.timedelta(
        days=settings.PORTAL_LINK_DAYS
    )
    attribute(agreement, user=None, reason="Answer link sent to the customer")
    agreement.save(update_fields=["token_hash", "token_expires_at"])
    return token


def agreement_answer_check(
    *,
    agreement: CustomerAgreement,
    state: str,
    answered_by_name: str,
    answered_via: str,
    answered_at: datetime.datetime,
    comment: str,
) -> None:
    """Refuse an answer agreement_answer would refuse, before anything else (the
    communication documenting it) is written."""
    errors = _answer_errors(
        agreement=agreement,
        state=state,
        answered_by_name=answered_by_name.strip(),
        answered_via=answered_via,
        answered_at=answered_at,
        comment=comment.strip(),
    )
    if errors:
        raise ValidationError(errors)


def _answer_errors(
    *,
    agreement: CustomerAgreement,
    state: str,
    answered_by_name: str,
    answered_via: str,
    answered_at: datetime.datetime,
    comment: str,
    communication: Any = None,
    check_communication: bool = False,
) -> dict[str, str]:
    errors = {}
    if state not in (CustomerAgreement.State.AGREED, CustomerAgreement.State.DECLINED):
        errors["state"] = "Choose whether the customer agreed or declined."
    if not answered_by_name:
        errors["answered_by_name"] = "Give the name of the person who answered."
    if answered_via not in CustomerAgreement.Via.values:
        errors["answered_via"] = "Choose how the customer answered."
    if state == CustomerAgreement.State.DECLINED and not comment:
        errors["comment"] = "Give the customer's reason for declining."
    decided_at = agreement.decision.decided_at
    if answered_at < decided_at.replace(second=0, microsecond=0):
        errors["answered_at"] = (
            "The answer cannot be before the decision was signed ("
            f"{timezone.localtime(decided_at):%Y-%m-%d %H:%M})."
        )
    elif answered_at > timezone.now() + CLOCK_SLACK:
        errors["answered_at"] = "The answer cannot be in the future."
    if check_communication and (
        communication is None or communication.order_id != agreement.order_id
    ):
        errors["communication"] = "Choose a communication on this order."
    return errors


def agreement_answer(
    *,
    agreement: CustomerAgreement,
    state: str,
    answered_by_name: str,
    answered_via: str,
    answered_at: datetime.datetime,
    comment: str,
    communication: Any,
    recorded_by: User | None,
) -> CustomerAgreement:
    """Record the customer's answer to the conditions and move the order on.

    Agreed: the order is accepted (a change: the order's agreement now includes
    it). Declined: a first acceptance goes back to customer service as "conditions
    declined"; a change leaves the order accepted on its last agreed revision, its
    header and value as agreed, as a rejected change does. recorded_by is None
    when the customer answered through the portal. The caller's transaction also
    holds the documenting communication.
    """
    answered_by_name = answered_by_name.strip()
    comment = comment.strip()
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=agreement.order_id)
        agreement = (
            CustomerAgreement.objects.select_for_update(of=("self",))
            .select_related("decision__review__requirement_set")
            .get(pk=agreement.pk)
        )
        if not agreement.is_pending:
            raise ValidationError(
                "The customer's answer to these conditions is already recorded."
            )
        # Checked again under the lock: the page's check may be a moment old.
        portal = answered_via == CustomerAgreement.Via.PORTAL
        if portal and agreement.token_expires_at <= timezone.now():
            raise ValidationError("This link has expired.")
        errors = _answer_errors(
            agreement=agreement,
            state=state,
            answered_by_name=answered_by_name,
            answered_via=answered_via,
            answered_at=answered_at,
            comment=comment,
            communication=communication,
            check_communication=True,
        )
        if errors:
            raise ValidationError(errors)
        agreement.state = state
        agreement.answered_by_name = answered_by_name
        agreement.answered_via = answered_via
        agreement.answered_at = answered_at
        agreement.comment = comment
        agreement.communication = communication
        agreement.recorded_by = recorded_by
        if portal:
            agreement.token_used_at = timezone.now()
        reason = (
            f"{agreement.get_state_display()} ({answered_by_name}, "
            f"{agreement.get_answered_via_display().lower()})"
        )
        attribute(agreement, user=recorded_by, reason=reason)
        agreement.save()
        _order_after_answer(order=order, agreement=agreement, user=recorded_by)
        events.customer_answered.send(sender=CustomerAgreement, agreement=agreement)
    return agreement


def _order_after_answer(
    *, order: Order, agreement: CustomerAgreement, user: User | None
) -> None:
    revision = agreement.decision.review.requirement_set
    number = agreement.revision_number
    if agreement.state == CustomerAgreement.State.AGREED:
        status = Order.Status.ACCEPTED
        reason = f"The customer agreed to the conditions of revision {number}"
    elif requirement_selectors.revision_has_baseline(revision):
        # As a rejected change: the header and value come back from the agreed
        # revision (the change's submission had taken them from its answers).
        order = agreed_header_restore(order=order, revision=revision, user=user)
        status = Order.Status.ACCEPTED
        reason = (
            f"The customer declined the conditions of change {number}: the order "
            "stays on its last agreed revision"
        )
    else:
        status = Order.Status.CONDITIONS_DECLINED
        reason = f"The customer declined the conditions of revision {number}"
    order_status_set(order=order, status=status, user=user, reason=reason)


def agreed_header_restore(
    *, order: Order, revision: RequirementSet, user: User | None
) -> Order:
    """A change that does not take effect (rejected, or its conditions declined by
    the customer) leaves the order as last agreed: the header facts and the value
    its submission took from the changed answers come back from the agreed
    revision's, and a quote's validity date from when that revision was agreed."""
    agreed = requirement_selectors.diff_baseline(revision)
    answers = {r.key: r.value for r in agreed.requirements.all()}
    order = order_mapped_answers_apply(order=order, user=user, answers=answers)
    order = order_value_apply(order=order, user=user, answers=answers)
    if order.is_quote:
        order = quote_validity_restore(
            quote=order, agreed_at=agreed.submitted_at, user=user
        )
    return order


def order_close_declined(*, order: Order, user: User, reason: str) -> Order:
    """Close an order whose customer declined the conditions: it is rejected, with
    the approver's reason in its history. The signed decision is not changed: it
    accepted the order on conditions the customer did not take."""
    reason = reason.strip()
    if not roles.has_role(user, roles.APPROVER):
        raise ValidationError("Only an approver can close an order as rejected.")
    if not reason:
        raise ValidationError({"reason": "Say why the order is closed."})
    if len(reason) > CLOSE_REASON_MAX:
        raise ValidationError(
            {"reason": f"Keep the reason under {CLOSE_REASON_MAX} characters."}
        )
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status != Order.Status.CONDITIONS_DECLINED:
            raise ValidationError(
                "Only an order whose customer declined the conditions can be "
                "closed this way."
            )
        order_status_set(
            order=order,
            status=Order.Status.REJECTED,
            user=user,
            reason=f"Closed after the customer declined the conditions: {reason}",
        )
    return order
