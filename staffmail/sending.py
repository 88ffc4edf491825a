"""The worker's side: send one staff message at most once, retry with backoff.

As with customer notices (communications.outbound), a message is committed as
'sending' before the mail server sees it, so a retry or a second worker never sends
it again; one left 'sending' by a dead worker is marked failed by the sweep.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from orderreview.tasks_sweep import retry_backoff
from reviews.models import Review
from staffmail.models import REVIEW_CLOSED, StaffMessage
from staffmail.services import enqueue

logger = logging.getLogger(__name__)


def message_send(*, message_id: int, expected_attempts: int) -> str:
    message = _claim(message_id, expected_attempts)
    if isinstance(message, str):
        return message
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient.email],
        headers={"X-OrderReview-Staff-Message": str(message.pk)},
    )
    try:
        email.send(fail_silently=False)
    except Exception as error:  # any backend failure is recorded, never lost
        _attempt_failed(message.pk, error)
        return "failed"
    with transaction.atomic():
        StaffMessage.objects.filter(pk=message.pk).update(
            state=StaffMessage.State.SENT,
            sent_at=timezone.now(),
            next_attempt_at=None,
            last_error="",
        )
        StaffMessage.objects.filter(digest=message).update(sent_at=timezone.now())
    return "sent"


def _claim(message_id: int, expected_attempts: int) -> StaffMessage | str:
    with transaction.atomic():
        message = (
            StaffMessage.objects.select_for_update(of=("self",))
            .select_related("recipient", "review")
            .filter(pk=message_id)
            .first()
        )
        if message is None or message.state != StaffMessage.State.QUEUED:
            return "skipped"
        if message.attempts != expected_attempts:
            return "stale"
        if message.review is not None and message.review.state != Review.State.OPEN:
            message.state = StaffMessage.State.SKIPPED
            message.skipped_because = REVIEW_CLOSED
            message.save(update_fields=["state", "skipped_because"])
            return "skipped"
        if not message.recipient.is_active or not message.recipient.email:
            message.state = StaffMessage.State.SKIPPED
            message.skipped_because = "the account is inactive or has no e-mail"
            message.save(update_fields=["state", "skipped_because"])
            return "skipped"
        message.attempts += 1
        message.state = StaffMessage.State.SENDING
        message.sending_started_at = timezone.now()
        message.save(update_fields=["attempts", "state", "sending_started_at"])
    return message


def _attempt_failed(message_id: int, error: Exception) -> None:
    with transaction.atomic():
        message = StaffMessage.objects.select_for_update().get(pk=message_id)
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        if message.attempts >= settings.STAFF_MAIL_MAX_ATTEMPTS:
            message.state = StaffMessage.State.FAILED
            message.next_attempt_at = None
        else:
            message.state = StaffMessage.State.QUEUED
            message.next_attempt_at = timezone.now() + retry_backoff(
                message.attempts, settings.STAFF_MAIL_RETRY_BASE_SECONDS
            )
            attempts, when = message.attempts, message.next_attempt_at
            transaction.on_commit(lambda: enqueue(message_id, attempts, when))
        message.save()
    logger.warning("Staff message %s attempt failed: %s", message_id, error)
