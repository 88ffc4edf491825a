"""Requirements grouped the way a person reads an order with lines: what is asked
once first, then one group per line in line order ("Line 1", "Line 2", ...).

The record page, its PDF and the change-order diff all group this way; the items
may be anything that carries a requirement key (rows of the record, requirements,
changes), so each caller says how to read the key and the line's name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from orders.orderforms import lines

T = TypeVar("T")
# A line requirement's statement is "Line 3 · Coating thickness".
STATEMENT_SEPARATOR = " · "


@dataclass
class LineGroup(Generic[T]):
    """Items asked once (line "") or of one line, in the order they came."""

    line: str
    heading: str
    items: list[T] = field(default_factory=list)

    @property
    def is_line(self) -> bool:
        return bool(self.line)


def line_heading(statement: str) -> str:
    """The line's name from a line requirement's statement ("Line 3")."""
    return statement.partition(STATEMENT_SEPARATOR)[0]


def by_line(
    items: Iterable[T],
    *,
    key: Callable[[T], str],
    statement: Callable[[T], str],
) -> list[LineGroup[T]]:
    """items in groups: the ones asked once first (only when there are any), then
    one group per line, by line number. Order within a group is kept, so a caller
    that sorted by discipline still reads by discipline inside each line. Pure: no
    queries, one pass."""
    once: LineGroup[T] = LineGroup(line="", heading="")
    groups: dict[str, LineGroup[T]] = {}
    for item in items:
        line = lines.line_of_key(key(item))
        if not line:
            once.items.append(item)
            continue
        group = groups.get(line)
        if group is None:
            group = groups[line] = LineGroup(
                line=line, heading=line_heading(statement(item))
            )
        group.items.append(item)
    ordered = [groups[line] for line in sorted(groups, key=lines.line_number)]
    return [once, *ordered] if once.items or not ordered else ordered
