from datetime import timedelta

from django.core.management.base import BaseCommand

from orderreview.tasks_sweep import sweeps_run


class Command(BaseCommand):
    help = (
        "Re-queue background tasks a dead worker left running, mark notices it "
        "left 'sending' as uncertain (never resent silently), and give queued "
        "notices without a task a new one. The worker does this at start-up and "
        "every TASK_SWEEP_INTERVAL_SECONDS."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            metavar="SECONDS",
            help="count as stuck after this long (default TASK_STUCK_AFTER_SECONDS)",
        )

    def handle(self, *args: object, older_than: int | None = None, **opts) -> None:
        age = None if older_than is None else timedelta(seconds=older_than)
        self.stdout.write("Sweep: " + "; ".join(sweeps_run(older_than=age)) + ".")
