"""The home queues' partial indexes (issue 19) are usable by the queries that need
them: PostgreSQL uses a partial index only when the query's conditions imply the
index's, so a status added to Order.DECIDED_STATUSES or a rewritten filter that no
longer matches would silently bring back the scan (300 ms at a million orders)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communications import selectors as communications
from orders import selectors as orders
from orders.models import Order
from requirements import confirmations
from requirements.models import RequirementSet

pytestmark = pytest.mark.django_db


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # On a test database's few rows a scan is cheapest: take it off the table so
        # the plan shows whether the index *can* serve the query.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_undecided_orders_to_confirm_use_their_partial_index(django_assert_num_queries):
    index = next(i for i in Order._meta.indexes if i.name == "order_confirm_open_idx")
    excluded = [q.children[0][1] for q in index.condition.children[1:]]
    assert all(q.negated for q in index.condition.children[1:])
    assert sorted(excluded) == sorted(Order.DECIDED_STATUSES)
    to_confirm = (
        Order.objects.filter(customer_to_confirm=True)
        .exclude(status__in=Order.DECIDED_STATUSES)
        .order_by("-created_at", "-pk")[:10]
    )
    assert "order_confirm_open_idx" in _plan(to_confirm)
    # And the home queue reads it so (one query per list, as before).
    with django_assert_num_queries(4):
        orders.orders_home_queue()


def test_revisions_to_confirm_walk_the_submitted_revisions_index():
    queue = (
        RequirementSet.objects.filter(confirmations._missing())
        .select_related("order__customer")
        .order_by("created_at", "pk")[:10]
    )
    assert "reqset_submitted_idx" in _plan(queue)


def test_open_complaints_are_summed_from_their_index_alone():
    with CaptureQueriesContext(connection) as captured:
        communications.open_complaints_summary()
    (query,) = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using communication_open_kind_idx" in plan
