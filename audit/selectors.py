"""Reads for the auditor's workspace: the timeline over every history table.

The timeline is a UNION ALL of one query per historical table. Pages use keyset
pagination on (history_date, model, history_id) -- each table's part is cut at the
cursor and limited to one page before the union, so a page costs the same on a
million rows as on ten, and nothing counts all rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models import CharField, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast
from django.utils import timezone

from audit import timeline_sql
from audit.registry import (
    history_model,
    label_field,
    model_by_label,
    order_path,
    tracked_models,
)
from orders.models import Order
from reviews.opening import CARRIED_FORWARD

CHANGE_TYPES = {"+": "Created", "~": "Changed", "-": "Deleted"}
COLUMNS = (
    "history_id",
    "history_date",
    "history_type",
    "history_change_reason",
    "history_user_id",
    "model_label",
    "object_id",
    "object_label",
    "history_username",
)


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: rows strictly after this one (in timeline order) follow."""

    history_date: dt.datetime
    model_label: str
    history_id: int

    def encode(self) -> str:
        return f"{self.history_date.isoformat()}~{self.model_label}~{self.history_id}"

    @classmethod
    def decode(cls, token: str) -> Cursor:
        """Parse a token made by encode(); ValueError when it is not one."""
        when, label, history_id = token.split("~")
        moment = dt.datetime.fromisoformat(when)
        if timezone.is_naive(moment) or model_by_label(label) is None:
            raise ValueError(token)
        return cls(moment, label, int(history_id))


@dataclass(frozen=True)
class TimelineFilter:
    user_id: int | None = None
    model_label: str | None = None
    order_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def models(self) -> list[type[models.Model]]:
        chosen = [
            model
            for model in tracked_models()
            if self.model_label in (None, model._meta.label_lower)
        ]
        if self.order_id is not None:
            chosen = [model for model in chosen if order_path(model) is not None]
        return chosen


@dataclass
class TimelineRow:
    history_id: int
    history_date: dt.datetime
    history_type: str
    history_change_reason: str | None
    history_user_id: int | None
    model_label: str
    object_id: int
    object_label: str | None
    history_username: str | None
    concerns_order: int | None = None
    user: object = None
    model_name: str = ""
    # The order the change concerns, and a moment just after it, for the as-of link.
    order_number: str | None = None
    as_of: dt.datetime | None = None
    # Links, filled in by the page (orderreview.urlfill).
    history_url: str = ""
    as_of_url: str = ""

    @property
    def change(self) -> str:
        if self.history_type == "+" and (self.history_change_reason or "").startswith(
            CARRIED_FORWARD
        ):
            return "Carried forward"
        return CHANGE_TYPES.get(self.history_type, self.history_type)

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.history_date, self.model_label, self.history_id)


@dataclass
class TimelinePage:
    rows: list[TimelineRow]
    next_cursor: Cursor | None
    users: dict = field(default_factory=dict)


def belongs_to_order(model: type[models.Model], order_id: int) -> Q:
    """Filter on model's history rows: those whose object belongs to the order.

    Each hop follows history tables, not live ones, so rows of objects deleted
    since still find their order.
    """
    path = order_path(model)
    if path is None:
        return Q(pk__in=[])
    if not path:
        return Q(id=order_id)
    first, rest = path[0], path[1:]
    if not rest:
        return Q(**{first.attname: order_id})
    target = first.related_model
    parents = (
        history_model(target)
        .objects.filter(belongs_to_order(target, order_id))
        .values(target._meta.pk.attname)
    )
    return Q(**{f"{first.attname}__in": parents})


def _moments(flt: TimelineFilter) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The first moment of the date filter's first day, and the first moment after
    its last day (None where that end is open)."""
    start = end = None
    if flt.date_from is not None:
        start = dt.datetime.combine(flt.date_from, dt.time.min)
        start = timezone.make_aware(start)
    if flt.date_to is not None:
        end = dt.datetime.combine(flt.date_to + dt.timedelta(days=1), dt.time.min)
        end = timezone.make_aware(end)
    return start, end


def _bounds(flt: TimelineFilter) -> Q:
    query = Q()
    if flt.user_id is not None:
        query &= Q(history_user_id=flt.user_id)
    start, end = _moments(flt)
    if start is not None:
        query &= Q(history_date__gte=start)
    if end is not None:
        query &= Q(history_date__lt=end)
    return query


def _after(label: str, cursor: Cursor) -> Q:
    """Rows of one table that come after the cursor in timeline order.

    Timeline order is (history_date, model, history_id) descending; within one
    table the model is constant, so the row comparison reduces to this.
    """
    earlier = Q(history_date__lt=cursor.history_date)
    same_time = Q(history_date=cursor.history_date)
    if label < cursor.model_label:
        return earlier | same_time
    if label == cursor.model_label:
        return earlier | (same_time & Q(history_id__lt=cursor.history_id))
    return earlier


def _order_id(model: type[models.Model]) -> models.Expression:
    """The id of the order a row of model belongs to, through live tables (each hop
    a primary-key look-up that PostgreSQL defers past the page's LIMIT)."""
    path = order_path(model)
    if path is None:
        return Value(None, output_field=models.IntegerField())
    if not path:
        return F("id")
    if len(path) == 1:
        return F(path[0].attname)
    return _hops(path)


def _hops(path: tuple[models.Field, ...]) -> models.Expression:
    """For a path a -> b -> ... -> order: b's order id, looked up from a's key."""
    first, rest = path[0], path[1:]
    target = first.related_model
    if len(rest) == 1:
        inner = target._default_manager.filter(pk=OuterRef(first.attname))
        return Subquery(inner.values(rest[0].attname)[:1])
    inner = target._default_manager.filter(pk=OuterRef(first.attname)).annotate(
        order_ref=_hops(rest)
    )
    return Subquery(inner.values("order_ref")[:1])


def _table_query(
    model: type[models.Model],
    flt: TimelineFilter,
    cursor: Cursor | None,
    *,
    with_order: bool = False,
) -> models.QuerySet:
    label = model._meta.label_lower
    query = _bounds(flt)
    if flt.order_id is not None:
        query &= belongs_to_order(model, flt.order_id)
    if cursor is not None:
        query &= _after(label, cursor)
    name_field = label_field(model)
    pk_name = model._meta.pk.attname
    return (
        history_model(model)
        .objects.filter(query)
        .annotate(
            model_label=Value(label, output_field=CharField()),
            object_id=F(pk_name),
            object_label=Cast(F(name_field) if name_field else F(pk_name), CharField()),
            history_username=F("history_user__username"),
        )
        .annotate(**({"concerns_order": _order_id(model)} if with_order else {}))
        .values(*COLUMNS, *(("concerns_order",) if with_order else ()))
    )


def timeline_queryset(
    flt: TimelineFilter,
    *,
    cursor: Cursor | None = None,
    limit: int | None = None,
    with_order: bool = False,
) -> models.QuerySet | None:
    """The filtered timeline, newest first, as one UNION ALL query (None: empty).
    with_order adds each row's order id (pages link the order's as-of view)."""
    parts = [
        _table_query(model, flt, cursor, with_order=with_order)
        for model in flt.models()
    ]
    if not parts:
        return None
    if len(parts) == 1:
        combined = parts[0]
    else:
        if limit is not None:
            # Each table's newest rows come from its history_date index; the outer
            # sort then only merges a page from each.
            parts = [
                part.order_by("-history_date", "-history_id")[:limit] for part in parts
            ]
        combined = parts[0].union(*parts[1:], all=True)
    combined = combined.order_by("-history_date", "-model_label", "-history_id")
    return combined[:limit] if limit is not None else combined


def _row(values: dict) -> TimelineRow:
    row = TimelineRow(**values)
    model = model_by_label(row.model_label)
    row.model_name = model._meta.verbose_name.capitalize() if model else ""
    return row


@timeline_sql.statement_cache
def _page_statement(shape: tuple, limit: int) -> timeline_sql.Statement | None:
    """The page query of this shape of filter, compiled once (audit.timeline_sql)."""
    flt, cursor = timeline_sql.stand_ins(TimelineFilter, Cursor, shape)
    queryset = timeline_queryset(flt, cursor=cursor, limit=limit, with_order=True)
    if queryset is None:
        return None
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    slots = timeline_sql.slot_values(flt, cursor, _moments)
    return timeline_sql.compiled(sql, params, slots)


def _page_values(flt: TimelineFilter, cursor: Cursor | None, limit: int) -> list:
    statement = _page_statement(timeline_sql.shape(flt, cursor), limit)
    if statement is not None:
        return statement.run(timeline_sql.slot_values(flt, cursor, _moments))
    queryset = timeline_queryset(flt, cursor=cursor, limit=limit, with_order=True)
    return list(queryset) if queryset is not None else []


def timeline_page(
    flt: TimelineFilter, *, cursor: Cursor | None = None, size: int = 50
) -> TimelinePage:
    """One page of the timeline and the cursor of the next (two queries)."""
    rows = [_row(values) for values in _page_values(flt, cursor, size + 1)]
    next_cursor = rows[size - 1].cursor if len(rows) > size else None
    rows = rows[:size]
    user_ids = {row.history_user_id for row in rows if row.history_user_id}
    users = get_user_model().objects.in_bulk(user_ids) if user_ids else {}
    _orders_name(rows)
    for row in rows:
        row.user = users.get(row.history_user_id)
    return TimelinePage(rows=rows, next_cursor=next_cursor, users=users)


def _orders_name(rows: list[TimelineRow]) -> None:
    """Each row's order number (one query) and the moment to see it as of: the
    next whole second, so the change itself is included."""
    order_ids = {row.concerns_order for row in rows if row.concerns_order}
    if not order_ids:
        return
    numbers = dict(
        history_model(Order)
        .objects.filter(id__in=order_ids)
        .order_by()
        .values_list("id", "number")
        .distinct()
    )
    for row in rows:
        row.order_number = numbers.get(row.concerns_order)
        # Not clamped to now: a link followed within that second is refused as a
        # future moment, never silently shown without the change.
        row.as_of = row.history_date.replace(microsecond=0) + dt.timedelta(seconds=1)


def timeline_rows(flt: TimelineFilter, *, chunk_size: int = 2000) -> Iterator[dict]:
    """Every row of the filtered timeline, streamed through a server-side cursor."""
    queryset = timeline_queryset(flt)
    if queryset is None:
        return iter(())
    return queryset.iterator(chunk_size=chunk_size)


def order_id_for_number(number: str) -> int | None:
    """The id of the order with this number, found in history (deleted ones too)."""
    return (
        history_model(Order)
        .objects.filter(number=number)
        .values_list("id", flat=True)
        .first()
    )
