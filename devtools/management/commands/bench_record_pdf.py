"""make bench-pdf: how long the largest acceptance record allowed takes as a PDF.

Every free-text field is at its limit (orderreview.textlimits) and the record has
--requirements requirements, each assessed with a note at its limit. The record is
built in memory, never saved, so this runs against any database without writing.

With --lines N (and --questions Q, 15 by default) it times instead the record of an
order of N lines of Q questions each (issue 17: 200 x 15 = 3,000 requirements),
with values and notes of an everyday length, grouped by line as printed.
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


def lines_record_context(lines: int, questions: int) -> dict:
    """The record context of an order with lines: a PO number asked once, then
    lines x questions requirements keyed "L<n>.q<i>", each assessed."""
    from reviews.record import RecordRow

    context = largest_record_context(0)
    now = timezone.now()
    disciplines = ("Engineering", "Production / capacity", "Quality")
    rows = [
        RecordRow(
            key="po",
            discipline="Commercial / credit",
            statement="PO number",
            category="Stated by the customer",
            value="4500123456",
            verdict="Can meet",
            note="",
            assessed_by="Ann Lee",
            assessed_at=now,
            carried=False,
        )
    ]
    for line in range(1, lines + 1):
        for index in range(1, questions + 1):
            conditional = index % 5 == 0
            rows.append(
                RecordRow(
                    key=f"L{line}.q{index}",
                    discipline=disciplines[index % len(disciplines)],
                    statement=f"Line {line} \u00b7 Question {index} of the part",
                    category="Stated by the customer",
                    value=f"Value {line}-{index}: 316L, 12.5 mm, anodised",
                    verdict="Can meet with conditions" if conditional else "Can meet",
                    note="Only with the customer's drawing rev. C"
                    if conditional
                    else "",
                    assessed_by="Ann Lee",
                    assessed_at=now,
                    carried=False,
                )
            )
    rows.sort(key=lambda r: r.discipline)
    record = context["record"]
    context["record"] = type(record)(signed=True, content=record.content, rows=rows)
    return context


class Command(BaseCommand):
    help = "Time the PDF of the largest acceptance record the text limits allow."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--requirements", type=int, default=60)
        parser.add_argument("--runs", type=int, default=3)
        parser.add_argument(
            "--lines",
            type=int,
            default=0,
            help="Time an order of this many lines instead (200: issue 17's size).",
        )
        parser.add_argument("--questions", type=int, default=15)

    def handle(self, *args: object, **options: object) -> None:
        from reviews import pdf

        if options["lines"]:
            context = lines_record_context(options["lines"], options["questions"])
            what = (
                f"Order of {options['lines']} lines x {options['questions']} "
                f"questions ({len(context['record'].rows)} requirements, grouped by "
                "line)"
            )
        else:
            context = largest_record_context(options["requirements"])
            what = (
                f"Largest record ({options['requirements']} requirements, every "
                "text at its limit)"
            )
        timings = []
        size = 0
        for _ in range(options["runs"]):
            started = time.perf_counter()
            output = pdf.acceptance_record_pdf(context)
            size = len(output)
            timings.append(time.perf_counter() - started)
        pages = output.count(b"/Type /Page\n") or output.count(b"/Type /Page ")
        self.stdout.write(
            f"{what}: best {min(timings):.2f} s, worst {max(timings):.2f} s, "
            f"{size // 1024} KB PDF, {pages} pages."
        )
