"""A review's slots as its page shows them: the requirements asked once by
discipline first, then one group per order line, by discipline within it.

Pure functions over rows already read (the rows the review page shows, the bulk
confirmation's list): grouping 3,000 slots costs no query. An order without
lines has no line groups, and its page is what it always was.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from orders.orderforms import lines
from reviews.models import Assessment, Review
from reviews.selectors import DisciplineGroup, assessments_by_discipline


def line_name(assessment: Assessment) -> str:
    """How people name the slot's line ("Line 3"): its requirement's statement
    before " · ", as requirements.selectors labelled it when it was submitted."""
    requirement = assessment.requirement
    name = requirement.statement.partition(" · ")[0]
    return name or f"Line {lines.line_number(lines.line_of_key(requirement.key))}"


@dataclass
class LineGroup:
    """One line of the order with its slots by discipline, in page order."""

    line: str
    name: str
    disciplines: list[DisciplineGroup] = field(default_factory=list)
    first_position: int = 0

    @property
    def assessments(self) -> list[Assessment]:
        return [a for group in self.disciplines for a in group.assessments]

    @property
    def pending(self) -> int:
        return sum(group.pending for group in self.disciplines)


def split_by_line(
    assessments: Iterable[Assessment],
) -> tuple[list[Assessment], list[LineGroup]]:
    """(slots asked once, one group per line): lines in the order the customer
    gave them (the lowest requirement position), disciplines in the order the
    slots came (the page's discipline order)."""
    once: list[Assessment] = []
    by_line: dict[str, LineGroup] = {}
    for assessment in assessments:
        line = lines.line_of_key(assessment.requirement.key)
        if not line:
            once.append(assessment)
            continue
        group = by_line.get(line)
        position = assessment.requirement.position
        if group is None:
            group = by_line[line] = LineGroup(
                line, line_name(assessment), first_position=position
            )
        group.first_position = min(group.first_position, position)
        wanted = assessment.discipline_id
        discipline = next(
            (d for d in group.disciplines if d.discipline.pk == wanted), None
        )
        if discipline is None:
            discipline = DisciplineGroup(assessment.discipline)
            group.disciplines.append(discipline)
        discipline.assessments.append(assessment)
    ordered = sorted(
        by_line.values(),
        key=lambda g: (g.first_position, lines.line_number(g.line)),
    )
    return once, ordered


def sections_of(
    review: Review, assessments: list[Assessment]
) -> tuple[list[DisciplineGroup], list[LineGroup]]:
    """The review page's sections of the slots it shows: discipline groups of what
    is asked once (with the statutory checks' disciplines, as ever), then the line
    groups."""
    once, line_groups = split_by_line(assessments)
    return assessments_by_discipline(review, once), line_groups
