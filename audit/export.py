"""CSV export of a timeline filter, streamed row by row.

Rows come from a server-side cursor in chunks and leave as CSV lines as soon as they
are written, so memory stays flat however long the timeline is.
"""

import csv
from collections.abc import Iterable, Iterator

from audit.selectors import CHANGE_TYPES, TimelineFilter, timeline_rows

HEADER = (
    "history_date",
    "user",
    "model",
    "object_id",
    "object",
    "change",
    "change_reason",
    "history_id",
)
# Spreadsheets run cells starting with these as formulas (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write() hands the line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def _safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _line(row: dict) -> tuple:
    return (
        row["history_date"].isoformat(),
        _safe(row["history_username"] or ""),
        row["model_label"],
        row["object_id"],
        _safe(row["object_label"] or ""),
        CHANGE_TYPES.get(row["history_type"], row["history_type"]),
        _safe(row["history_change_reason"] or ""),
        row["history_id"],
    )


def csv_lines(rows: Iterable[dict]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    for row in rows:
        yield writer.writerow(_line(row))


def timeline_csv(flt: TimelineFilter, *, chunk_size: int = 2000) -> Iterator[str]:
    """The filtered timeline as CSV lines, generated lazily."""
    return csv_lines(timeline_rows(flt, chunk_size=chunk_size))
