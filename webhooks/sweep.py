"""The worker's webhook sweep (TASK_WORKER_SWEEPS): send what is due, retry with
back-off, give up after the last retry, and take back what a dead worker left.

A delivery is claimed by committing it 'sending' (SKIP LOCKED: two workers never
claim the same row), then sent outside any transaction, then its outcome is
recorded. A delivery still 'sending' after TASK_STUCK_AFTER_SECONDS belonged to a
worker that died mid-send: it is retried (receivers de-duplicate on the event id;
webhooks are "at least once", docs/guide-api.md).
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from orderreview.history import attribute
from orderreview.tasks_sweep import stuck_cutoff
from webhooks import sending
from webhooks.models import WebhookAttempt, WebhookDelivery

logger = logging.getLogger(__name__)
WAITING = (WebhookDelivery.State.QUEUED, WebhookDelivery.State.FAILED)


def retry_delay(attempts: int) -> timedelta | None:
    """How long after failed attempt number attempts to try again; None: give up."""
    schedule = settings.WEBHOOK_RETRY_SCHEDULE_SECONDS
    if attempts > len(schedule):
        return None
    return timedelta(seconds=schedule[attempts - 1])


def webhooks_sweep(
    *, older_than: timedelta | None = None, now: datetime | None = None
) -> str:
    stuck = _stuck_release(stuck_cutoff(older_than))
    sent = failed = 0
    for delivery_id in _due_claim(now or timezone.now()):
        if delivery_send(delivery_id):
            sent += 1
        else:
            failed += 1
    return (
        f"webhooks: {sent} delivered, {failed} failed, {stuck} stuck delivery(ies) "
        "put back"
    )


def _due_claim(now: datetime) -> list[int]:
    with transaction.atomic():
        due = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(state__in=WAITING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")[: settings.WEBHOOK_SWEEP_BATCH]
        )
        for delivery in due:
            delivery.state = WebhookDelivery.State.SENDING
            delivery.attempts += 1
            delivery.sending_started_at = timezone.now()
            delivery.next_attempt_at = None
            attribute(delivery, user=None, reason=f"Attempt {delivery.attempts}")
            delivery.save()
    return [delivery.pk for delivery in due]


def delivery_send(delivery_id: int) -> bool:
    """Send one claimed delivery and record the attempt; True when it succeeded."""
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    started = timezone.now()
    outcome = sending.post(
        url=endpoint.url,
        secret=endpoint.secret,
        payload=delivery.payload,
        event_type=delivery.event_type,
        event_id=str(delivery.event_id),
        delivery_id=str(delivery.uuid),
    )
    _outcome_record(delivery_id, started, outcome)
    logger.info(
        "Webhook delivery %s attempt %s: %s in %s ms",
        delivery_id,
        delivery.attempts,
        outcome.status_code or "no answer",
        outcome.response_ms,
    )
    return outcome.succeeded


def _outcome_record(
    delivery_id: int, started: datetime, outcome: sending.Outcome
) -> None:
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        if delivery.state != WebhookDelivery.State.SENDING:
            return  # taken back by a sweep meanwhile: its own attempt is logged
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            started_at=started,
            status_code=outcome.status_code,
            response_ms=outcome.response_ms,
            succeeded=outcome.succeeded,
            excerpt=outcome.excerpt,
        )
        delivery.last_status = outcome.status_code
        delivery.last_response_ms = outcome.response_ms
        delivery.last_error = "" if outcome.succeeded else outcome.excerpt
        delivery.sending_started_at = None
        _next_state(delivery, succeeded=outcome.succeeded)
        attribute(delivery, user=None, reason=f"Attempt {delivery.attempts} done")
        delivery.save()


def _next_state(delivery: WebhookDelivery, *, succeeded: bool) -> None:
    now = timezone.now()
    delay = None if succeeded else retry_delay(delivery.attempts)
    if succeeded:
        delivery.state = WebhookDelivery.State.SUCCEEDED
    elif delay is None:
        delivery.state = WebhookDelivery.State.GIVEN_UP
    else:
        delivery.state = WebhookDelivery.State.FAILED
        delivery.next_attempt_at = now + delay
        return
    delivery.next_attempt_at = None
    delivery.finished_at = now


def _stuck_release(cutoff: datetime) -> int:
    count = 0
    with transaction.atomic():
        stuck = WebhookDelivery.objects.select_for_update(skip_locked=True).filter(
            state=WebhookDelivery.State.SENDING, sending_started_at__lt=cutoff
        )
        for delivery in stuck:
            WebhookAttempt.objects.get_or_create(
                delivery=delivery,
                number=delivery.attempts,
                defaults={
                    "started_at": delivery.sending_started_at,
                    "excerpt": "The worker stopped while sending: unknown outcome.",
                },
            )
            delivery.sending_started_at = None
            _next_state(delivery, succeeded=False)
            attribute(delivery, user=None, reason="Worker stopped while sending")
            delivery.save()
            count += 1
    return count
