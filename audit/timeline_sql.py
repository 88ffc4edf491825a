"""The timeline page's statement, compiled once per shape of filter.

Building and compiling the UNION ALL over every history table (one part per table,
each with its order look-up) was two thirds of the timeline page's time (about 30 of
40 ms here) and is the same for every request whose filter has the same shape: which
filters are set, the record type, and where the cursor's record type sorts. Only the
values differ. So each shape is compiled once, with stand-in values, and noted which
parameter takes which value; a request then passes its own values in those places.

A shape whose stand-ins cannot all be found among the parameters (Django inlined
one) is not cached: the caller compiles the query as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection

# Values no real filter has: found again among the compiled parameters.
_STAND_IN_USER = -900_000_001
_STAND_IN_ORDER = -900_000_002
_STAND_IN_HISTORY_ID = -900_000_003
_STAND_IN_FROM = dt.date(1901, 1, 1)
_STAND_IN_TO = dt.date(1902, 1, 1)
_STAND_IN_MOMENT = dt.datetime(1903, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Statement:
    sql: str
    # Per parameter: ("value", constant) or ("slot", name of a filter value).
    params: tuple[tuple[str, object], ...]

    def run(self, values: dict[str, object]) -> list[dict]:
        """The rows, as dicts by column name, for this request's values."""
        params = [values[x] if kind == "slot" else x for kind, x in self.params]
        # Compiled by the ORM from the timeline's querysets: a read, never a write.
        if not self.sql.lstrip("(").startswith("SELECT "):
            raise ValueError("The timeline statement must be a SELECT.")
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            columns = [column[0] for column in cursor.description]
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def slot_values(flt: object, cursor: object, bound: Callable) -> dict[str, object]:
    """The values a filter and cursor put into the statement, by slot name.
    bound(flt) gives the moments the date filter compares with (as the queries
    themselves compute them)."""
    start, end = bound(flt)
    values = {
        "user": flt.user_id,
        "order": flt.order_id,
        "start": start,
        "end": end,
    }
    if cursor is not None:
        values["moment"] = cursor.history_date
        values["history_id"] = cursor.history_id
    return {name: value for name, value in values.items() if value is not None}


def shape(flt: object, cursor: object) -> tuple:
    return (
        flt.user_id is not None,
        flt.order_id is not None,
        flt.date_from is not None,
        flt.date_to is not None,
        flt.model_label,
        cursor.model_label if cursor is not None else None,
    )


def stand_ins(flt_type: type, cursor_type: type, key: tuple) -> tuple[object, object]:
    """A filter and cursor of this shape, holding the stand-in values."""
    has_user, has_order, has_from, has_to, model_label, cursor_label = key
    flt = flt_type(
        user_id=_STAND_IN_USER if has_user else None,
        model_label=model_label,
        order_id=_STAND_IN_ORDER if has_order else None,
        date_from=_STAND_IN_FROM if has_from else None,
        date_to=_STAND_IN_TO if has_to else None,
    )
    cursor = (
        cursor_type(_STAND_IN_MOMENT, cursor_label, _STAND_IN_HISTORY_ID)
        if cursor_label is not None
        else None
    )
    return flt, cursor


def compiled(sql: str, params: tuple, slots: dict[str, object]) -> Statement | None:
    """The statement with each stand-in's parameter named by its slot; None when a
    stand-in is missing (inlined into the SQL: the shape cannot be reused)."""
    named = []
    found = set()
    for param in params:
        slot = next(
            (
                name
                for name, value in slots.items()
                if type(param) is type(value) and param == value
            ),
            None,
        )
        if slot is None:
            named.append(("value", param))
        else:
            named.append(("slot", slot))
            found.add(slot)
    if found != set(slots):
        return None
    return Statement(sql, tuple(named))


def statement_cache(build: Callable[[tuple], Statement | None]) -> Callable:
    """build(shape) memoised: a few hundred shapes at most are in use."""
    return lru_cache(maxsize=512)(build)
