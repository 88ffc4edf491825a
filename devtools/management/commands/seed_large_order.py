"""manage.py seed_large_order: one signed order of many lines (make bench measures
its review page and acceptance record)."""

import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Make one accepted, signed order of --lines lines x --questions questions "
        "through the services (once; run seed_demo first)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--lines", type=int, default=200)
        parser.add_argument("--questions", type=int, default=15)

    def handle(self, *args: object, **options: object) -> None:
        from devtools.scale import large_order

        started = time.monotonic()
        order = large_order.large_order_seed(
            lines=options["lines"], questions=options["questions"]
        )
        revision = order.revisions.order_by("-number").first()
        self.stdout.write(
            f"Order {order.number} ({order.customer_reference}): "
            f"{revision.requirements.count()} requirements, status {order.status}, "
            f"ready after {time.monotonic() - started:.0f} s."
        )
