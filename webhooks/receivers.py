"""Deliveries queued from domain events, once the event's transaction commits.

Nothing is sent here: the worker's sweep (webhooks.sweep) sends what is due. A
failure to queue never undoes the event (robust on_commit; logged).
"""

from functools import partial

from django.db import transaction
from django.dispatch import receiver

from communications.models import OutboundNotice
from orderreview import events
from requirements.models import RequirementSet
from reviews.models import Review
from webhooks import payloads
from webhooks.services import event_queue


@receiver(events.revision_submitted)
def _revision_submitted(sender, revision, **kwargs) -> None:  # noqa: ANN001
    transaction.on_commit(partial(revision_submitted_queue, revision.pk), robust=True)


def revision_submitted_queue(revision_id: int) -> int:
    revision = RequirementSet.objects.select_related("order__customer").get(
        pk=revision_id
    )
    event_type, data = payloads.revision_submitted_data(revision)
    return event_queue(event_type, data, revision.order.customer_id)


@receiver(events.review_decided)
def _review_decided(sender, review, decision, **kwargs) -> None:  # noqa: ANN001
    transaction.on_commit(partial(review_decided_queue, review.pk), robust=True)


def review_decided_queue(review_id: int) -> int:
    review = Review.objects.select_related(
        "order__customer", "requirement_set", "decision"
    ).get(pk=review_id)
    event_type, data = payloads.review_decided_data(review)
    return event_queue(event_type, data, review.order.customer_id)


@receiver(events.notice_failed)
def _notice_failed(sender, notice, **kwargs) -> None:  # noqa: ANN001
    transaction.on_commit(partial(notice_failed_queue, notice.pk), robust=True)


def notice_failed_queue(notice_id: int) -> int:
    notice = OutboundNotice.objects.select_related("order__customer").get(pk=notice_id)
    event_type, data = payloads.notice_failed_data(notice)
    return event_queue(event_type, data, notice.order.customer_id)
