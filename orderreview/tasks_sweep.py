"""Background tasks a dead worker left behind, handed back to the queue.

django-tasks-db claims a task by committing it RUNNING; a worker killed while it
runs (SIGKILL, out of memory, a lost machine) never finishes it, and no worker
picks a RUNNING task up again. Tasks RUNNING longer than TASK_STUCK_AFTER_SECONDS
are made READY again. Every task of ours must therefore be safe to run twice:
send_notice is (a notice is marked 'sending' before the mail server sees it).
The worker (orderreview/management/commands/db_worker.py) runs the sweeps named in
TASK_WORKER_SWEEPS at start-up and every TASK_SWEEP_INTERVAL_SECONDS.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def retry_backoff(attempts: int, base_seconds: int) -> timedelta:
    """Exponential backoff for a failed send: base, 2 x base, 4 x base ... after
    failure 1, 2, 3 (customer notices and staff e-mail alike)."""
    return timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0))


def stuck_cutoff(older_than: timedelta | None = None):  # noqa: ANN201 (datetime)
    """The moment before which a RUNNING task or 'sending' notice counts as stuck."""
    if older_than is None:
        older_than = timedelta(seconds=settings.TASK_STUCK_AFTER_SECONDS)
    return timezone.now() - older_than


def tasks_requeue_stuck(*, older_than: timedelta | None = None) -> str:
    """Make tasks RUNNING since before the cutoff READY again; a one-line summary."""
    count = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=stuck_cutoff(older_than)
    ).update(status=TaskResultStatus.READY, started_at=None)
    return f"{count} stuck task(s) re-queued"


def sweeps_run(*, older_than: timedelta | None = None) -> list[str]:
    """Every configured sweep, in order: tasks first, then what the apps add."""
    summaries = [tasks_requeue_stuck(older_than=older_than)]
    for path in settings.TASK_WORKER_SWEEPS:
        summaries.append(import_string(path)(older_than=older_than))
    return summaries
