"""Notices a stopped worker left behind: made visible, never silently resent.

Delivery guarantee (docs/security-operations.md): a notice is handed to the mail
server at most once by the workers. A notice still 'sending' after
TASK_STUCK_AFTER_SECONDS belongs to a worker that died mid-send; whether the
mail server took it is unknown, so it becomes 'uncertain' and waits in the notices
queue for customer service to check and resend (or cancel) it. A queued notice
whose task is gone gets a new one.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from communications.models import OutboundNotice
from orderreview.history import attribute
from orderreview.tasks_sweep import stuck_cutoff

logger = logging.getLogger(__name__)

SEND_TASK = "communications.tasks.send_notice"
UNCERTAIN_MESSAGE = (
    "The worker stopped while handing this notice to the mail server: it may or "
    "may not have been delivered. Check with the customer or the mail server's log "
    "before resending."
)


def notices_sweep(*, older_than: timedelta | None = None) -> str:
    """Mark long-'sending' notices uncertain; re-queue queued ones left taskless."""
    cutoff = stuck_cutoff(older_than)
    uncertain = _sending_mark_uncertain(cutoff)
    requeued = _queued_without_task_requeue(cutoff)
    return f"{uncertain} notice(s) marked uncertain, {requeued} re-queued"


def _sending_mark_uncertain(cutoff) -> int:  # noqa: ANN001 (datetime)
    count = 0
    stuck = OutboundNotice.objects.filter(
        status=OutboundNotice.Status.SENDING, sending_started_at__lt=cutoff
    ).values_list("pk", flat=True)
    for pk in list(stuck):
        with transaction.atomic():
            notice = (
                OutboundNotice.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=OutboundNotice.Status.SENDING)
                .first()
            )
            if notice is None:
                continue
            notice.status = OutboundNotice.Status.UNCERTAIN
            notice.last_error = UNCERTAIN_MESSAGE
            attribute(
                notice, user=None, reason="Worker stopped while sending: uncertain"
            )
            notice.save()
            count += 1
            logger.warning("Notice %s marked uncertain: worker stopped", pk)
    return count


def _queued_without_task_requeue(cutoff) -> int:  # noqa: ANN001 (datetime)
    from communications.outbound import _enqueue

    live = DBTaskResult.objects.filter(
        task_path=SEND_TASK,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).values_list("args_kwargs", flat=True)
    waiting = {
        args["args"][0] for args in live if isinstance(args, dict) and args.get("args")
    }
    count = 0
    queued = OutboundNotice.objects.filter(
        status=OutboundNotice.Status.QUEUED, created_at__lt=cutoff
    ).only("pk", "attempts", "next_attempt_at")
    for notice in queued:
        if notice.pk in waiting:
            continue
        if notice.next_attempt_at and notice.next_attempt_at > cutoff:
            continue
        _enqueue(notice.pk, notice.attempts)
        count += 1
    return count
