"""manage.py seed_scale --orders N: a large realistic dataset for load tests."""

import time

from django.core.management.base import BaseCommand, CommandError

from devtools.scale import ScaleRefused, seed_scale


class Command(BaseCommand):
    help = (
        "Top the database up to N orders in every state, with customers, revisions "
        "(some change orders), requirements, reviews, assessments, signed decisions "
        "(a valid chain), communications and their history rows."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--orders", type=int, default=100_000)
        parser.add_argument(
            "--force-more",
            action="store_true",
            help="Add orders even when the database holds more than demo data.",
        )
        parser.add_argument("--seed", type=int, default=42, help="Random seed.")

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        try:
            added = seed_scale(
                orders=options["orders"],
                force_more=options["force_more"],
                seed=options["seed"],
                progress=self.stdout.write if options["verbosity"] > 0 else None,
            )
        except ScaleRefused as refusal:
            raise CommandError(str(refusal)) from None
        seconds = time.monotonic() - started
        if not added:
            self.stdout.write(
                f"Nothing to do: the database already holds at least "
                f"{options['orders']} orders."
            )
            return
        rows = sum(added.values())
        detail = ", ".join(f"{count} {label}" for label, count in added.items())
        self.stdout.write(
            f"Seeded {added.get('orders.Order', 0)} orders ({rows} rows, each with a "
            f"history row) in {seconds:.0f} s: {detail}."
        )
