"""Writes that matter in the communications app. Each is one transaction."""

import logging
from datetime import datetime, timedelta
from functools import partial
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from communications import notices
from communications.models import (
    Communication,
    CommunicationAttachment,
    NoticeKind,
    NoticeTemplate,
    Offering,
    OutboundNotice,
)
from orderreview.models import User
from orders.formkit import display_value
from orders.models import Customer, Order, OrderForm

logger = logging.getLogger(__name__)

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# Extension -> the first bytes a genuine file of that type starts with (None: text).
ATTACHMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    "txt": ("text/plain", None),
    "csv": ("text/csv", None),
    "eml": ("message/rfc822", None),
}

NOTICE_KIND_TO_COMMUNICATION = {
    NoticeKind.ACKNOWLEDGEMENT: Communication.Kind.ORDER_ACKNOWLEDGEMENT,
    NoticeKind.ACCEPTANCE: Communication.Kind.DECISION_NOTICE,
    NoticeKind.REJECTION: Communication.Kind.DECISION_NOTICE,
    NoticeKind.CHANGE: Communication.Kind.CHANGE_NOTICE,
}


def notice_max_attempts() -> int:
    return getattr(settings, "NOTICE_MAX_ATTEMPTS", 5)


def notice_retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1, 2, 4, 8 ... minutes after failure 1, 2, 3, 4 ..."""
    base = getattr(settings, "NOTICE_RETRY_BASE_SECONDS", 60)
    return timedelta(seconds=base * 2 ** max(attempts - 1, 0))


# --- the log ---------------------------------------------------------------------


@transaction.atomic
def communication_record(
    *,
    customer: Customer,
    order: Order | None = None,
    direction: str,
    channel: str,
    kind: str,
    subject: str,
    body: str = "",
    occurred_at: datetime,
    recorded_by: User | None,
    attachment: UploadedFile | None = None,
) -> Communication:
    """Put a conversation with a customer on file; feedback and complaints open."""
    if order is not None and order.customer_id != customer.pk:
        raise ValidationError(
            {"order": f"Order {order.number} belongs to another customer."}
        )
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"occurred_at": "This date is in the future."})
    follow_up = (
        Communication.FollowUp.OPEN
        if kind in Communication.FOLLOW_UP_KINDS
        else Communication.FollowUp.NONE
    )
    communication = Communication(
        customer=customer,
        order=order,
        direction=direction,
        channel=channel,
        kind=kind,
        subject=subject.strip(),
        body=body,
        occurred_at=occurred_at,
        recorded_by=recorded_by,
        follow_up=follow_up,
    )
    communication.full_clean()
    communication.save()
    if attachment is not None:
        attachment_add(communication=communication, upload=attachment, user=recorded_by)
    return communication


def attachment_check(upload: UploadedFile) -> str:
    """The content type of an acceptable upload; ValidationError says why not."""
    if upload.size > ATTACHMENT_MAX_BYTES:
        limit = ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise ValidationError({"attachment": f"The file is larger than {limit} MB."})
    if upload.size == 0:
        raise ValidationError({"attachment": "The file is empty."})
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if extension not in ATTACHMENT_TYPES:
        allowed = ", ".join(sorted(ATTACHMENT_TYPES))
        raise ValidationError(
            {"attachment": f"Files of this type are not accepted (allowed: {allowed})."}
        )
    content_type, signatures = ATTACHMENT_TYPES[extension]
    upload.seek(0)
    head = upload.read(512)
    upload.seek(0)
    if signatures is None:
        if b"\x00" in head:
            raise ValidationError(
                {"attachment": "The file is not the text file its name says it is."}
            )
    elif not head.startswith(signatures):
        raise ValidationError(
            {"attachment": f"The file's content is not {extension.upper()}."}
        )
    return content_type


@transaction.atomic
def attachment_add(
    *, communication: Communication, upload: UploadedFile, user: User | None
) -> CommunicationAttachment:
    """Keep a checked file with a communication, stored under MEDIA_ROOT."""
    if user is None:
        raise ValidationError({"attachment": "Only a signed-in user can attach files."})
    content_type = attachment_check(upload)
    original_name = PurePath(upload.name or "file").name[:255]
    extension = PurePath(original_name).suffix.lower()
    attachment = CommunicationAttachment(
        communication=communication,
        original_name=original_name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=user,
    )
    # A name of our own: the uploader's name is kept for display only.
    stored_name = f"{timezone.now():%Y%m%d%H%M%S%f}{extension}"
    attachment.file.save(stored_name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def communication_follow_up(
    *,
    communication: Communication,
    state: str,
    resolution: str = "",
    user: User,
) -> Communication:
    """Move feedback or a complaint along: open, in progress, closed, or reopened."""
    communication = Communication.objects.select_for_update().get(pk=communication.pk)
    if communication.kind not in Communication.FOLLOW_UP_KINDS:
        raise ValidationError("Only feedback and complaints are followed up.")
    states = Communication.FollowUp
    if state not in (states.OPEN, states.IN_PROGRESS, states.CLOSED):
        raise ValidationError({"state": "Choose open, in progress or closed."})
    if state == communication.follow_up and state != states.CLOSED:
        raise ValidationError({"state": "It is already in this state."})
    if state == states.CLOSED:
        if communication.follow_up == states.CLOSED:
            raise ValidationError({"state": "It is already closed."})
        if not resolution.strip():
            raise ValidationError(
                {"resolution": "Say how it was resolved before closing it."}
            )
        communication.resolution = resolution.strip()
        communication.closed_by = user
        communication.closed_at = timezone.now()
    else:
        if resolution.strip():
            communication.resolution = resolution.strip()
        communication.closed_by = None
        communication.closed_at = None
    communication.follow_up = state
    communication._change_reason = f"Follow-up: {states(state).label}"
    communication.save()
    return communication


# --- the catalog -----------------------------------------------------------------


@transaction.atomic
def offering_save(
    *,
    offering: Offering | None = None,
    name: str,
    description: str,
    order_form: OrderForm,
    active: bool,
    position: int,
) -> Offering:
    """Create or change a catalog entry."""
    if active and not order_form.active:
        raise ValidationError(
            {"order_form": "This order form is inactive: customers could not use it."}
        )
    offering = offering or Offering()
    offering.name = name.strip()
    offering.description = description
    offering.order_form = order_form
    offering.active = active
    offering.position = position
    offering.full_clean()
    offering.save()
    return offering


# --- notice templates ------------------------------------------------------------


@transaction.atomic
def notice_template_save(
    *, template: NoticeTemplate, subject: str, body: str, user: User
) -> NoticeTemplate:
    """Save a notice template only if it renders: a broken one never reaches mail."""
    notices.validate_template(kind=template.kind, subject=subject, body=body)
    template.subject = subject
    template.body = body
    template.updated_by = user
    template.full_clean()
    template.save()
    return template


def notice_template_for(kind: str) -> NoticeTemplate:
    """The stored template of a kind, or the built-in default if it was deleted."""
    template = NoticeTemplate.objects.filter(kind=kind).first()
    if template is None:
        subject, body = notices.DEFAULT_TEMPLATES[kind]
        template = NoticeTemplate(kind=kind, subject=subject, body=body)
    return template


# --- outbound notices ------------------------------------------------------------


def _order_context(order: Any, revision: Any) -> dict[str, Any]:
    customer = order.customer
    return {
        "order_number": order.number,
        "customer_name": customer.name,
        "contact_name": customer.contact_name,
        "customer_reference": order.customer_reference,
        "revision_number": revision.number,
        "change_reason": revision.reason if revision.number > 1 else "",
        "outcome": "",
        "accepted": False,
        "requirements": [],
        "conditions": [],
        "reasons": "",
    }


@transaction.atomic
def notice_queue(
    *, order: Order, kind: str, revision_number: int, context: dict[str, Any]
) -> OutboundNotice:
    """Render a notice now and queue it; the send task starts once this commits.

    A template that fails on real data (saved templates render the sample data, but
    real data can differ) gives a failed notice with the error, never a failed
    transaction: the order or decision that triggered it must still go through.
    """
    customer = order.customer
    notice = OutboundNotice(
        order=order,
        customer=customer,
        kind=kind,
        revision_number=revision_number,
        to_address=customer.email,
    )
    template = notice_template_for(kind)
    try:
        notice.subject = notices.render_text(template.subject, context).strip()[:300]
        notice.body = notices.render_text(template.body, context)
    except Exception as exc:
        logger.exception("Notice template %s failed to render", kind)
        notice.subject = f"{template.get_kind_display()} for {order.number}"
        notice.body = ""
        notice.status = OutboundNotice.Status.FAILED
        notice.last_error = f"The template could not be rendered: {exc}"
    if notice.status == OutboundNotice.Status.QUEUED and not notice.to_address:
        notice.status = OutboundNotice.Status.FAILED
        notice.last_error = "The customer has no e-mail address."
    notice.save()
    if notice.status == OutboundNotice.Status.QUEUED:
        transaction.on_commit(partial(_enqueue, notice.pk, notice.attempts))
    return notice


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


def notice_queue_decision(*, review: Any, decision: Any) -> OutboundNotice | None:
    """Tell the customer the decision: acceptance with the accepted requirements and
    their conditions, rejection with the reasons, or, for a change, a change notice.

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
    return notice_queue(
        order=order, kind=kind, revision_number=revision.number, context=context
    )


def _enqueue(notice_id: int, attempts: int, run_after: datetime | None = None) -> None:
    from communications.tasks import enqueue_send

    enqueue_send(notice_id=notice_id, attempts=attempts, run_after=run_after)


def notice_send(*, notice_id: int, expected_attempts: int) -> str:
    """Send one queued notice and log it; on failure record why and retry later.

    expected_attempts makes stale tasks harmless: a "retry now" and a scheduled
    retry of the same notice cannot both send it.
    """
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
        now = timezone.now()
        notice.attempts += 1
        message = EmailMessage(
            subject=notice.subject,
            body=notice.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notice.to_address],
            headers={"X-OrderReview-Notice": str(notice.pk)},
        )
        try:
            message.send(fail_silently=False)
        except Exception as exc:  # any backend failure is recorded, never lost
            notice.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if notice.attempts >= notice_max_attempts():
                notice.status = OutboundNotice.Status.FAILED
                notice.next_attempt_at = None
            else:
                notice.next_attempt_at = now + notice_retry_delay(notice.attempts)
                transaction.on_commit(
                    partial(
                        _enqueue, notice.pk, notice.attempts, notice.next_attempt_at
                    )
                )
            notice._change_reason = f"Attempt {notice.attempts} failed"
            notice.save()
            logger.warning(
                "Notice %s attempt %s failed: %s",
                notice.pk,
                notice.attempts,
                notice.last_error,
            )
            return "failed"
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
        notice.next_attempt_at = None
        notice.last_error = ""
        notice._change_reason = "Sent"
        notice.save()
        return "sent"


@transaction.atomic
def notice_retry(*, notice: OutboundNotice, user: User) -> OutboundNotice:
    """Send a queued or failed notice now (one more attempt, then the usual backoff)."""
    notice = OutboundNotice.objects.select_for_update().get(pk=notice.pk)
    if not notice.can_retry:
        raise ValidationError(
            f"A {notice.get_status_display().lower()} notice cannot be retried."
        )
    if not notice.to_address:
        notice.to_address = notice.customer.email
    if not notice.to_address:
        raise ValidationError(
            "The customer has no e-mail address: add one to the customer first."
        )
    if not notice.body:
        raise ValidationError("The notice has no text: its template failed to render.")
    notice.status = OutboundNotice.Status.QUEUED
    notice.next_attempt_at = None
    notice._change_reason = f"Retry requested by {user.username}"
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
    notice._change_reason = f"Cancelled by {user.username}"
    notice.save()
    return notice
