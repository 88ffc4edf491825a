"""make bench-pdf: how long the largest acceptance record allowed takes as a PDF.

Every free-text field is at its limit (orderreview.textlimits) and the record has
--requirements requirements, each assessed with a note at its limit. The record is
built in memory, never saved, so this runs against any database without writing.
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from orderreview import textlimits


def _text(limit: int) -> str:
    """limit characters of words, so lines wrap as real text does."""
    words = ("Stainless 316L machined to drawing, deburred; " * (limit // 40 + 1))[
        :limit
    ]
    return words


def largest_record_context(requirements: int) -> dict:
    """The acceptance record context of the largest record the limits allow, as
    reviews.views builds it: the signed content's rows and the live objects."""
    from orders.models import Customer, Order
    from requirements.models import RequirementSet
    from reviews.models import Decision, Review
    from reviews.record import RecordContent, RecordRow

    now = timezone.now()
    name = "A" * 150 + " " + "B" * 150
    customer = Customer(name="C" * 200, account_code="A" * 40)
    order = Order(number="SO-2026-000001", customer=customer)
    rows = [
        RecordRow(
            key=f"q{index}",
            discipline="D" * 80,
            statement=_text(textlimits.NOTE),
            category="Stated by the customer",
            value=_text(textlimits.NOTE),
            verdict="Can meet with conditions",
            note=_text(textlimits.NOTE),
            assessed_by=name,
            assessed_at=now,
            carried=False,
        )
        for index in range(requirements)
    ]
    content = {
        "order": {
            "number": order.number,
            "customer": customer.account_code,
            "customer_name": customer.name,
            "customer_reference": "R" * 100,
        },
        "decision": {
            "outcome": "accept",
            "reasons": _text(textlimits.NOTE),
            "decided_by": {"username": "approver", "printed_name": name},
            "decided_at": now.isoformat(),
        },
    }
    return {
        "review": Review(state="decided", due_date=dt.date(2026, 12, 1)),
        "order": order,
        "revision": RequirementSet(number=1, reason=_text(textlimits.NOTE)),
        "record": RecordContent(signed=True, content=content, rows=rows),
        "decision": Decision(outcome="accept", decided_at=now),
        "signatures": [],
    }


class Command(BaseCommand):
    help = "Time the PDF of the largest acceptance record the text limits allow."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--requirements", type=int, default=60)
        parser.add_argument("--runs", type=int, default=3)

    def handle(self, *args: object, **options: object) -> None:
        from reviews import pdf

        context = largest_record_context(options["requirements"])
        timings = []
        size = 0
        for _ in range(options["runs"]):
            started = time.perf_counter()
            size = len(pdf.acceptance_record_pdf(context))
            timings.append(time.perf_counter() - started)
        self.stdout.write(
            f"Largest record ({options['requirements']} requirements, every text at "
            f"its limit): best {min(timings):.2f} s, worst {max(timings):.2f} s, "
            f"{size // 1024} KB PDF."
        )
