from typing import Any

from django.core.management.base import BaseCommand, CommandError

from reviews import record, selectors


class Command(BaseCommand):
    help = (
        "Recompute every signature's content and chain hash in order, recompute "
        "every signed content from today's records, print the chain head, and exit "
        "non-zero naming the first broken record and every record that differs "
        "from what was signed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = selectors.chain_report()
        problems = list(record.content_problems())
        lines = [] if report.ok else [report.summary]
        lines += [f"Signed content differs: {p.summary}" for p in problems]
        if lines:
            raise CommandError("\n".join(lines))
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.summary}; every signed content matches today's records"
            )
        )
