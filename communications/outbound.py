"""Outbound notices: queued when an order moves on, sent at most once, retried or
cancelled by staff. Each write is one transaction.

A notice is rendered from its template when queued; the send task (a worker)
claims it, hands it to the mail server and logs it as a Communication once sent.
"""

import logging
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from communications import notices
from communications.models import Communication, NoticeKind, OutboundNotice
from communications.services import notice_template_for
from orderreview import events
from orderreview.history import attribute
from orderreview.models import User
from orderreview.tasks_sweep import retry_backoff
from orders.models import Order
from orders.orderforms.answers import display_value

logger = logging.getLogger(__name__)

NOTICE_KIND_TO_COMMUNICATION = {
    NoticeKind.ACKNOWLEDGEMENT: Communication.Kind.ORDER_ACKNOWLEDGEMENT,
    NoticeKind.ACCEPTANCE: Communication.Kind.DECISION_NOTICE,
    NoticeKind.REJECTION: Communication.Kind.DECISION_NOTICE,
    NoticeKind.CHANGE: Communication.Kind.CHANGE_NOTICE,
    NoticeKind.RECEIPT: Communication.Kind.ORDER_ACKNOWLEDGEMENT,
}


def notice_max_attempts() -> int:
    return getattr(settings, "NOTICE_MAX_ATTEMPTS", 5)


def notice_retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1, 2, 4, 8 ... minutes after failure 1, 2, 3, 4 ..."""
    return retry_backoff(attempts, getattr(settings, "NOTICE_RETRY_BASE_SECONDS", 60))


def _order_context(order: Any, revision: Any) -> dict[str, Any]:
    return {
        **notices.customer_fields(order),
        "revision_number": revision.number,
        "change_reason": notices.sentence_body(revision.reason)
        if revision.number > 1
        else "",
        "outcome": "",
        "accepted": False,
        "requirements": [],
        "conditions": [],
        "reasons": "",
    }


def _render(notice: OutboundNotice, context: dict[str, Any]) -> None:
    """Subject and body from the current template; a failure fails the notice."""
    template = notice_template_for(notice.kind)
    try:
        notice.subject = notices.render_text(template.subject, context).strip()[:300]
        notice.body = notices.with_agreement_request(
            notices.render_text(template.body, context), context
        )
    except Exception as exc:
        logger.exception("Notice template %s failed to render", notice.kind)
        notice.subject = f"{template.get_kind_display()} for {notice.order.number}"
        notice.body = ""
        notice.status = OutboundNotice.Status.FAILED
        notice.last_error = f"The template could not be rendered: {exc}"


@transaction.atomic
def notice_queue(
    *, order: Order, kind: str, revision_number: int, context: dict[str, Any]
) -> OutboundNotice:
    """Render a notice now and queue it; the send task starts once this commits.

    A template that fails on real data (saved templates render the sample data, but
    real data can differ) gives a failed notice with the error, never a failed
    transaction: the order or decision that triggered it must still go through.
    The context is kept with the notice so that a retry can render it again.
    """
    notice = OutboundNotice(
        order=order,
        customer=order.customer,
        kind=kind,
        revision_number=revision_number,
        to_address=notices.recipient(order=order, kind=kind),
        context=context,
    )
    _render(notice, context)
    if notice.status == OutboundNotice.Status.QUEUED and not notice.to_address:
        notice.status = OutboundNotice.Status.FAILED
        notice.last_error = notices.NO_ADDRESS
    notice.save()
    if notice.status == OutboundNotice.Status.QUEUED:
        transaction.on_commit(partial(_enqueue, notice.pk, notice.attempts))
    elif notice.status == OutboundNotice.Status.FAILED:
        events.notice_failed.send(sender=OutboundNotice, notice=notice)
    return notice


def notice_queue_receipt(*, order: Order) -> OutboundNotice | None:
    """Give whoever asked through the public catalog their reference, by e-mail."""
    if OutboundNotice.objects.filter(order=order, kind=NoticeKind.RECEIPT).exists():
        return None
    return notice_queue(
        order=order,
        kind=NoticeKind.RECEIPT,
        revision_number=1,
        context=notices.receipt_context(order),
    )


def notice_queue_acknowledgement(*, revision: Any) -> OutboundNotice | None:
    """Acknowledge a submitted intake (revision 1) to the customer, once."""
    if revision.number != 1:
        return None
    order = revision.order
    if OutboundNotice.objects.filter(
        order=order, kind=NoticeKind.ACKNOWLEDGEMENT, revision_number=1
    ).exists():
        return None
    return notice_queue(
        order=order,
        kind=NoticeKind.ACKNOWLEDGEMENT,
        revision_number=1,
        context=_order_context(order, revision),
    )


def notice_queue_decision(
    *, review: Any, decision: Any, agreement_token: str | None = None
) -> OutboundNotice | None:
    """Tell the customer the decision: acceptance with the accepted requirements and
    their conditions, rejection with the reasons, or, for a change, a change notice.
    With agreement_token the acceptance is subject to the customer's agreement to
    the conditions, which they give through the link in the notice.

    Reads only what the review_decided signal hands over (attribute access, no
    imports from reviews/ or requirements/).
    """
    revision = review.requirement_set
    order = revision.order
    accepted = decision.outcome == "accept"
    if revision.number > 1:
        kind = NoticeKind.CHANGE
    else:
        kind = NoticeKind.ACCEPTANCE if accepted else NoticeKind.REJECTION
    if OutboundNotice.objects.filter(
        order=order, kind=kind, revision_number=revision.number
    ).exists():
        return None
    context = _order_context(order, revision)
    context["outcome"] = decision.outcome
    context["accepted"] = accepted
    context["reasons"] = "" if accepted else decision.reasons
    if accepted:
        context["requirements"] = [
            {
                "statement": requirement.statement,
                "value": display_value(requirement.question, requirement.value),
                "category": requirement.get_category_display(),
            }
            for requirement in revision.requirements.select_related("question")
        ]
        context["conditions"] = [
            {
                "statement": assessment.requirement.statement,
                "discipline": str(assessment.discipline),
                "note": assessment.note,
            }
            for assessment in review.assessments.select_related(
                "requirement", "discipline"
            )
            if assessment.verdict == "conditions"
        ]
    if agreement_token:
        context["subject_to_agreement"] = True
        # The real link is made when the e-mail is sent (_with_answer_link).
        context["agreement_url"] = notices.AGREEMENT_LINK_PLACEHOLDER
    return notice_queue(
        order=order, kind=kind, revision_number=revision.number, context=context
    )


def _enqueue(notice_id: int, attempts: int, run_after: datetime | None = None) -> None:
    from communications.tasks import enqueue_send

    enqueue_send(notice_id=notice_id, attempts=attempts, run_after=run_after)


def notice_send(*, notice_id: int, expected_attempts: int) -> str:
    """Send one queued notice at most once, log it; on failure retry later.

    The attempt is committed as 'sending' before the message goes to the mail
    server, so no later task, retry or worker sends it again: a worker that dies
    mid-send leaves it 'sending', and notices_sweep marks it 'uncertain' for a
    person to check. expected_attempts makes stale tasks harmless: a "retry now"
    and a scheduled retry of the same notice cannot both send it.
    """
    notice = _notice_claim(notice_id=notice_id, expected_attempts=expected_attempts)
    if isinstance(notice, str):
        return notice
    try:
        message = EmailMessage(
            subject=notice.subject,
            body=_with_answer_link(notice),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notice.to_address],
            headers={"X-OrderReview-Notice": str(notice.pk)},
        )
        message.send(fail_silently=False)
    except Exception as exc:  # any backend failure is recorded, never lost
        _notice_attempt_failed(notice_id=notice.pk, error=exc)
        return "failed"
    _notice_sent(notice_id=notice.pk)
    return "sent"


def _with_answer_link(notice: OutboundNotice) -> str:
    """The body to send: the placeholder replaced by a fresh answer link for the
    order's pending agreement (issued by the reviews app through a domain event, so
    each send invalidates the links of earlier ones), or by a line saying the
    answer is already on file."""
    if notices.AGREEMENT_LINK_PLACEHOLDER not in notice.body:
        return notice.body
    tokens = [
        token
        for _, token in events.agreement_link_wanted.send(
            sender=OutboundNotice, order=notice.order
        )
        if token
    ]
    link = (
        notices.agreement_url(tokens[0])
        if tokens
        else "(no longer needed: your answer is on file)"
    )
    return notice.body.replace(notices.AGREEMENT_LINK_PLACEHOLDER, link)


def _notice_claim(*, notice_id: int, expected_attempts: int) -> OutboundNotice | str:
    """Mark the notice 'sending' in its own committed transaction, or say why not."""
    with transaction.atomic():
        notice = (
            OutboundNotice.objects.select_for_update()
            .select_related("customer", "order")
            .filter(pk=notice_id)
            .first()
        )
        if notice is None or notice.status != OutboundNotice.Status.QUEUED:
            return "skipped"
        if notice.attempts != expected_attempts:
            return "stale"
        notice.attempts += 1
        notice.status = OutboundNotice.Status.SENDING
        notice.sending_started_at = timezone.now()
        # The worker sends: no person is the author.
        attribute(notice, user=None, reason=f"Attempt {notice.attempts}: sending")
        notice.save()
    return notice


def _notice_locked(notice_id: int) -> OutboundNotice:
    return (
        OutboundNotice.objects.select_for_update()
        .select_related("customer", "order")
        .get(pk=notice_id)
    )


def _notice_attempt_failed(*, notice_id: int, error: Exception) -> None:
    """The mail server refused: queue the next attempt with backoff, or give up."""
    with transaction.atomic():
        notice = _notice_locked(notice_id)
        now = timezone.now()
        notice.last_error = f"{type(error).__name__}: {error}"[:2000]
        notice.sending_started_at = None
        if notice.attempts >= notice_max_attempts():
            notice.status = OutboundNotice.Status.FAILED
            notice.next_attempt_at = None
        else:
            notice.status = OutboundNotice.Status.QUEUED
            notice.next_attempt_at = now + notice_retry_delay(notice.attempts)
            transaction.on_commit(
                partial(_enqueue, notice.pk, notice.attempts, notice.next_attempt_at)
            )
        attribute(notice, user=None, reason=f"Attempt {notice.attempts} failed")
        notice.save()
        if notice.status == OutboundNotice.Status.FAILED:
            events.notice_failed.send(sender=OutboundNotice, notice=notice)
    logger.warning(
        "Notice %s attempt %s failed: %s",
        notice.pk,
        notice.attempts,
        notice.last_error,
    )


def _notice_sent(*, notice_id: int) -> None:
    """The mail server took it: log the communication (even if swept meanwhile)."""
    with transaction.atomic():
        notice = _notice_locked(notice_id)
        now = timezone.now()
        notice.communication = Communication.objects.create(
            customer=notice.customer,
            order=notice.order,
            direction=Communication.Direction.OUTBOUND,
            channel=Communication.Channel.EMAIL,
            kind=NOTICE_KIND_TO_COMMUNICATION[notice.kind],
            subject=notice.subject,
            body=f"To: {notice.to_address}\n\n{notice.body}",
            occurred_at=now,
            recorded_by=None,
        )
        notice.status = OutboundNotice.Status.SENT
        notice.sent_at = now
        notice.sending_started_at = None
        notice.next_attempt_at = None
        notice.last_error = ""
        attribute(notice, user=None, reason="Sent")
        notice.save()


@transaction.atomic
def notice_retry(*, notice: OutboundNotice, user: User) -> OutboundNotice:
    """Send a queued or failed notice now, rendered again for the customer as they
    are now (a fixed e-mail address or contact name, a corrected template).

    What was attempted before stays on the notice in earlier_attempts.
    """
    notice = (
        OutboundNotice.objects.select_for_update()
        .select_related("order__customer")
        .get(pk=notice.pk)
    )
    if not notice.can_retry:
        raise ValidationError(
            f"A {notice.get_status_display().lower()} notice cannot be retried."
        )
    to_address = notices.recipient(order=notice.order, kind=notice.kind)
    if not to_address:
        raise ValidationError(
            "The customer has no e-mail address: add one to the customer first."
        )
    earlier = {
        "until": timezone.now().isoformat(),
        "to_address": notice.to_address,
        "subject": notice.subject,
        "body": notice.body,
        "attempts": notice.attempts,
        "error": notice.last_error,
    }
    context = notices.retry_context(notice)
    if context is not None:
        _render(notice, context)
        if not notice.body:
            raise ValidationError(notice.last_error)
        notice.context = context
    elif not notice.body:
        raise ValidationError("The notice has no text: its template failed to render.")
    notice.earlier_attempts = [*notice.earlier_attempts, earlier]
    notice.to_address = to_address
    notice.customer = notice.order.customer
    notice.status = OutboundNotice.Status.QUEUED
    notice.last_error = ""
    notice.next_attempt_at = None
    notice.sending_started_at = None
    attribute(notice, user=user, reason=f"Retry requested by {user.username}")
    notice.save()
    transaction.on_commit(partial(_enqueue, notice.pk, notice.attempts))
    return notice


@transaction.atomic
def notice_cancel(*, notice: OutboundNotice, user: User) -> OutboundNotice:
    """Stop a notice from being sent; it stays on file as cancelled."""
    notice = OutboundNotice.objects.select_for_update().get(pk=notice.pk)
    if not notice.can_cancel:
        raise ValidationError(
            f"A {notice.get_status_display().lower()} notice cannot be cancelled."
        )
    notice.status = OutboundNotice.Status.CANCELLED
    notice.next_attempt_at = None
    notice.cancelled_by = user
    notice.cancelled_at = timezone.now()
    attribute(notice, user=user, reason=f"Cancelled by {user.username}")
    notice.save()
    return notice
