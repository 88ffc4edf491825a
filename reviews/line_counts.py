"""What the review page says of every line without reading its rows (issue 17):
one aggregate query counts each line's slots by discipline (open, open for the
reader, carried forward, re-opened) and lists the reader's open slots in page
order, so a folded line's counts are right although none of its rows is read.

The page order is line_groups' order: what is asked once first, then the lines by
their first requirement's position; by discipline within each (discipline_order),
then by requirement position. The page's rows and the reader's open slots are both
put in that order here, in Python, by one key (slot_order): an ORDER BY on the
discipline's name would follow the database's collation, which need not sort
"alpha", "Beta" and "Éclair" as Python does, and the "Next open item" links would
then skip rows or visit them twice.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Func,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.urls import reverse

from orders.orderforms import lines
from reviews.models import Assessment, Review

# A line key (lines.LINE_KEY_RE without its end) followed by the key separator.
_LINE_PREFIX = lines.LINE_KEY_RE.pattern.removesuffix("$") + r"\."


def slot_line() -> Case:
    """A slot's line in SQL ("" when asked once), as lines.line_of_key reads it."""
    return Case(
        When(
            requirement__key__regex=_LINE_PREFIX,
            then=Func(
                F("requirement__key"),
                Value(lines.KEY_SEPARATOR),
                Value(1),
                function="split_part",
                output_field=CharField(),
            ),
        ),
        default=Value(""),
        output_field=CharField(),
    )


# What an assessment row shows besides the slot itself.
ROW_RELATED = (
    "requirement__question",
    "discipline",
    "assessed_by",
    "carried_from__review__requirement_set",
)


@lru_cache(maxsize=1024)  # a few disciplines, thousands of rows
def discipline_order(name: str, pk: int) -> tuple[str, str, int]:
    """Where a discipline's rows come on the review page, the same whatever the
    database's collation: by name regardless of case and accents ("alpha",
    "Beta", "Éclair", "fox"), then by the name itself, then by pk."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return (plain.casefold(), name, pk)


def slot_order(
    line_rank: int,
    discipline: tuple[str, int],
    position: int,
    requirement_pk: int,
    pk: int,
) -> tuple[Any, ...]:
    """The one key of page order: line, discipline, requirement position, then
    requirement and slot for ties. Rows and the reader's open slots both use it."""
    return (line_rank, discipline_order(*discipline), position, requirement_pk, pk)


def slots_of_lines(review: Review, shown: list[str]) -> QuerySet[Assessment]:
    """The review's slots asked once and those of the lines shown, with what
    their rows show (in_page_order puts them in page order)."""
    return (
        Assessment.objects.filter(review=review)
        .annotate(slot_line=slot_line())
        .filter(slot_line__in=["", *shown])
        .select_related(*ROW_RELATED)
        .order_by("requirement__position", "requirement__pk", "pk")
    )


def row_order(assessment: Assessment) -> tuple[Any, ...]:
    """A row's place within its line (line rank 0 for all: line_groups orders the
    lines)."""
    return slot_order(
        0,
        (assessment.discipline.name, assessment.discipline_id),
        assessment.requirement.position,
        assessment.requirement_id,
        assessment.pk,
    )


def in_page_order(slots: Iterable[Assessment]) -> list[Assessment]:
    """Slots in the order the page shows them within each line (line_groups
    keeps this order when it groups them by line and discipline)."""
    return sorted(slots, key=row_order)


@dataclass(frozen=True)
class OpenSlot:
    """One of the reader's open slots: enough to link to it."""

    pk: int
    line: str
    statement: str
    key: tuple[Any, ...]  # slot_order


@dataclass
class LineCount:
    """One line's counts ("" for what is asked once), by discipline id."""

    line: str
    name: str = ""
    first_position: int = 0
    total: int = 0
    pending_by_discipline: dict[int, int] = field(default_factory=dict)
    mine: int = 0
    carried: int = 0
    reopened: int = 0

    @property
    def pending(self) -> int:
        return sum(self.pending_by_discipline.values())


@dataclass
class ReviewCounts:
    """The counts of a whole review and the reader's open slots in page order."""

    once: LineCount
    lines: list[LineCount]
    my_open: list[OpenSlot]

    def line(self, key: str) -> LineCount | None:
        if not key:
            return self.once
        return next((count for count in self.lines if count.line == key), None)

    @property
    def everything(self) -> list[LineCount]:
        return [self.once, *self.lines]

    @property
    def pending(self) -> int:
        return sum(count.pending for count in self.everything)

    @property
    def carried(self) -> int:
        return sum(count.carried for count in self.everything)

    @property
    def reopened(self) -> int:
        return sum(count.reopened for count in self.everything)


def review_counts(review: Review, discipline_ids: set[int]) -> ReviewCounts:
    """Every line's counts and the reader's open slots: one query however many
    lines. Slots are open for the reader only while the review is open."""
    mine = Q(verdict="", discipline_id__in=discipline_ids)
    if review.state != Review.State.OPEN:
        mine = Q(pk__in=[])
    # Every list in the same order, so they zip slot by slot.
    order = ("requirement__position", "requirement__pk", "pk")
    rows = (
        Assessment.objects.filter(review=review)
        .annotate(slot_line=slot_line())
        .values("slot_line", "discipline_id", "discipline__name")
        .annotate(
            total=Count("pk"),
            pending=Count("pk", filter=Q(verdict="")),
            carried=Count("pk", filter=Q(carried_from__isnull=False)),
            reopened=Count("pk", filter=~Q(reopened_because="")),
            first_position=Min("requirement__position"),
            name=Min(
                Func(
                    F("requirement__statement"),
                    Value(" · "),
                    Value(1),
                    function="split_part",
                    output_field=CharField(),
                )
            ),
            mine_pks=ArrayAgg("pk", filter=mine, order_by=order, default=[]),
            mine_positions=ArrayAgg(
                "requirement__position", filter=mine, order_by=order, default=[]
            ),
            mine_requirements=ArrayAgg(
                "requirement_id", filter=mine, order_by=order, default=[]
            ),
            mine_statements=ArrayAgg(
                "requirement__statement", filter=mine, order_by=order, default=[]
            ),
        )
        .order_by()
    )
    by_line: dict[str, LineCount] = {}
    mine_rows: list[tuple[str, tuple[str, int], list[Any]]] = []
    for row in rows:
        line = row["slot_line"]
        count = by_line.setdefault(line, LineCount(line, first_position=10**9))
        count.name = count.name or row["name"]
        count.first_position = min(count.first_position, row["first_position"])
        count.total += row["total"]
        count.pending_by_discipline[row["discipline_id"]] = row["pending"]
        count.mine += len(row["mine_pks"])
        count.carried += row["carried"]
        count.reopened += row["reopened"]
        slots = zip(
            row["mine_pks"],
            row["mine_positions"],
            row["mine_requirements"],
            row["mine_statements"],
            strict=True,
        )
        discipline = (row["discipline__name"], row["discipline_id"])
        mine_rows.append((line, discipline, list(slots)))
    once = by_line.pop("", LineCount(""))
    for count in by_line.values():
        count.name = count.name or f"Line {lines.line_number(count.line)}"
    ordered = sorted(
        by_line.values(),
        key=lambda c: (c.first_position, lines.line_number(c.line)),
    )
    rank = {"": -1} | {count.line: i for i, count in enumerate(ordered)}
    my_open = sorted(
        (
            OpenSlot(
                pk,
                line,
                statement,
                slot_order(rank[line], discipline, position, requirement, pk),
            )
            for line, discipline, slots in mine_rows
            for pk, position, requirement, statement in slots
        ),
        key=lambda slot: slot.key,
    )
    return ReviewCounts(once, ordered, my_open)


class OpenPath:
    """The reader's open slots in page order, to link each row to the next one.

    Rows of lines not on the page (folded, read on demand) are linked through the
    page filtered to their line, so the link works with JavaScript off too."""

    def __init__(
        self,
        review: Review,
        counts: ReviewCounts,
        discipline_ids: set[int],
        shown: Iterable[str],
    ) -> None:
        self.review = review
        self.discipline_ids = discipline_ids
        self.rank = {"": -1} | {c.line: i for i, c in enumerate(counts.lines)}
        self.mine = counts.my_open
        self.keys = [slot.key for slot in self.mine]
        self.shown = {"", *shown}

    def href(self, slot: OpenSlot) -> str:
        if slot.line in self.shown:
            return f"#a{slot.pk}"
        page = reverse("reviews:review_detail", args=[self.review.pk])
        return f"{page}?line={slot.line}#a{slot.pk}"

    def after(self, assessment: Assessment) -> OpenSlot | None:
        """The next open slot after this row; wraps round to the first so the
        keyboard path never dead-ends."""
        if assessment.discipline_id not in self.discipline_ids or not self.mine:
            return None
        line = lines.line_of_key(assessment.requirement.key)
        here = slot_order(
            self.rank.get(line, -1),
            (assessment.discipline.name, assessment.discipline_id),
            assessment.requirement.position,
            assessment.requirement_id,
            assessment.pk,
        )
        later = bisect_right(self.keys, here)
        if later < len(self.mine):
            return self.mine[later]
        first = self.mine[0]
        return first if first.pk != assessment.pk else None
