"""django-tasks-db's worker, which first hands back what dead workers left behind.

This app comes first in INSTALLED_APPS, so `manage.py db_worker` is this command.
It runs the sweeps (orderreview.tasks_sweep.sweeps_run) once at start-up, then
every TASK_SWEEP_INTERVAL_SECONDS in a daemon thread, and then works as usual.
"""

import logging
import threading

from django.conf import settings
from django.db import connection
from django_tasks_db.management.commands.db_worker import Command as WorkerCommand

from orderreview.tasks_sweep import sweeps_run

logger = logging.getLogger(__name__)


def _sweep_once() -> None:
    try:
        for summary in sweeps_run():
            logger.info("Sweep: %s", summary)
    except Exception:  # a failed sweep must not stop the worker; the next one retries
        logger.exception("Sweep failed")
    finally:
        connection.close()  # this thread's own connection


def _sweep_periodically(stop: threading.Event, interval: float) -> None:
    while not stop.wait(interval):
        _sweep_once()


class Command(WorkerCommand):
    help = (
        "Run the background worker: re-queue stuck tasks and sweep stuck notices at "
        "start-up and periodically, then process tasks (django-tasks-db)."
    )

    def handle(self, *args: object, **options: object) -> None:
        _sweep_once()
        stop = threading.Event()
        interval = settings.TASK_SWEEP_INTERVAL_SECONDS
        if interval > 0:
            threading.Thread(
                target=_sweep_periodically,
                args=(stop, interval),
                name="task-sweep",
                daemon=True,
            ).start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
