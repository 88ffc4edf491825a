from typing import Any

from django.core.management.base import BaseCommand, CommandError

from reviews import selectors


class Command(BaseCommand):
    help = (
        "Recompute every signature's content and chain hash in order, print the "
        "chain head, and exit non-zero naming the first broken record."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = selectors.chain_report()
        if not report.ok:
            raise CommandError(report.summary)
        self.stdout.write(self.style.SUCCESS(report.summary))
