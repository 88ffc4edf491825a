"""The timeline page compiles its statement once per shape of filter
(audit.timeline_sql): every later request of that shape must get exactly the rows
the query built afresh for its own values gives."""

import datetime as dt
import itertools

import pytest
import time_machine

from audit.selectors import Cursor, TimelineFilter, timeline_page, timeline_queryset
from reviews.models import Decision
from tests.audit import builders

UTC = dt.UTC
DAYS = [dt.datetime(2026, 3, day, 9, 0, tzinfo=UTC) for day in (2, 3, 4, 5)]
COMPARED = ("history_id", "history_date", "model_label", "object_id", "object_label")


@pytest.fixture
def orders(db, service_user, approver):
    """Three orders entered on three days, by two people, one decided on day 4."""
    made = []
    for day, user in zip(DAYS[:3], (service_user, approver, service_user), strict=True):
        with time_machine.travel(day, tick=False):
            order, revision, _ = builders.submitted_order(by=user)
            made.append((order, revision))
    with time_machine.travel(DAYS[3], tick=False):
        review = builders.open_review(made[0][1], by=service_user)
        builders.decide(review, outcome=Decision.Outcome.ACCEPT, by=approver)
    return [order for order, _ in made]


def _fresh(flt: TimelineFilter, cursor: Cursor | None, size: int) -> list[tuple]:
    queryset = timeline_queryset(flt, cursor=cursor, limit=size, with_order=True)
    if queryset is None:
        return []
    return [tuple(values[c] for c in COMPARED) for values in queryset]


def _page(flt: TimelineFilter, cursor: Cursor | None, size: int) -> list[tuple]:
    rows = timeline_page(flt, cursor=cursor, size=size).rows
    return [tuple(getattr(row, c) for c in COMPARED) for row in rows]


def test_every_shape_reused_with_other_values_gives_the_fresh_querys_rows(
    orders, service_user, approver
):
    # Two sets of values: the second request of each shape reuses the first's
    # statement with its own values.
    values = [
        (service_user.pk, orders[0].pk, DAYS[0].date(), DAYS[3].date()),
        (approver.pk, orders[1].pk, DAYS[1].date(), DAYS[2].date()),
    ]
    compared = 0
    for has, model in itertools.product(
        itertools.product((False, True), repeat=4),
        (None, "orders.order", "requirements.requirement"),
    ):
        for user, order_id, start, end in values:
            flt = TimelineFilter(
                user_id=user if has[0] else None,
                order_id=order_id if has[1] else None,
                date_from=start if has[2] else None,
                date_to=end if has[3] else None,
                model_label=model,
            )
            assert _page(flt, None, 500) == _fresh(flt, None, 500), flt
            compared += 1
    assert compared == 2 * 16 * 3


def test_a_cursor_reused_with_other_moments_gives_the_fresh_querys_rows(orders):
    everything = timeline_page(TimelineFilter(), size=1000).rows
    assert len(everything) > 20
    seen = set()
    for row in everything:
        # Every row's cursor: the same shape (its record type) with other values.
        cursor = row.cursor
        assert (
            _page(TimelineFilter(), cursor, 7)
            == _fresh(TimelineFilter(), cursor, 8)[:7]
        )
        seen.add(cursor.model_label)
    assert len(seen) >= 4
