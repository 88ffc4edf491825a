"""The cached dashboard is never stale: any save that can move a figure changes
its key."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit import dashboard
from orders.models import Order
from tests import factories


def _status_counts(figures: dashboard.Dashboard) -> dict[str, int]:
    return {status: n for status, _, n in figures.orders_by_status}


def test_a_saved_change_shows_at_once(db):
    order = factories.OrderFactory()
    before = dashboard.dashboard_cached()
    assert _status_counts(before)["draft"] == 1

    order.status = Order.Status.AWAITING_REVIEW
    order.save()
    after = dashboard.dashboard_cached()

    assert _status_counts(after)["draft"] == 0
    assert _status_counts(after)["awaiting_review"] == 1


def test_unchanged_data_is_served_from_the_cache(db):
    factories.OrderFactory()
    dashboard.dashboard_cached()
    with CaptureQueriesContext(connection) as queries:
        figures = dashboard.dashboard_cached()
    # The data version and the cache look-up; none of the aggregates.
    assert len(queries) == 2
    assert _status_counts(figures)["draft"] == 1
