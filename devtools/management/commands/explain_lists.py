"""manage.py explain_lists: EXPLAIN ANALYZE each list's main query, plain and with
each filter and sort, and say whether an index serves it and how long it took."""

import json
from collections.abc import Callable, Iterator
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection
from django.db.models import QuerySet

from orderreview import pagination

# A sequential scan of a table this small is what the planner should choose.
SMALL_TABLE_ROWS = 1000


def _nodes(plan: dict) -> Iterator[dict]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _table_rows(table: str) -> float:
    """The planner's estimate of a table's rows (pg_class.reltuples)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        row = cursor.fetchone()
    return row[0] if row else 0


def _deep_page(queryset: QuerySet, row_number: int) -> QuerySet:
    """The keyset page that starts after row row_number (what "Next" links ask)."""
    keys = pagination._ordering(queryset)
    row = queryset[row_number : row_number + 1].first()
    if row is None:
        return queryset[:51]
    values = [pagination._value(row, path) for path, _ in keys]
    return queryset.filter(pagination._after(keys, values))[:51]


def explain(queryset: QuerySet) -> dict[str, Any]:
    """Run EXPLAIN (ANALYZE) on queryset: its time, indexes and big sequential scans."""
    raw = queryset.explain(analyze=True, format="json")
    document = json.loads(raw) if isinstance(raw, str) else raw
    top = document[0]
    nodes = list(_nodes(top["Plan"]))
    indexes = sorted({n["Index Name"] for n in nodes if "Index Name" in n})
    seq_scans = sorted(
        {
            n["Relation Name"]
            for n in nodes
            if n["Node Type"] == "Seq Scan"
            and _table_rows(n["Relation Name"]) > SMALL_TABLE_ROWS
        }
    )
    return {
        "ms": top["Execution Time"] + top.get("Planning Time", 0),
        "indexes": indexes,
        "seq_scans": seq_scans,
    }


def _cases() -> Iterator[tuple[str, Callable[[], QuerySet]]]:
    """(name, queryset of one page) for every list, filter and sort."""
    from audit import selectors as audit
    from communications import selectors as comms
    from orderreview.models import User
    from orders import selectors as orders
    from orders.models import Customer, Discipline, Order, OrderForm
    from pages import selectors as pages
    from reviews import selectors as reviews

    page = slice(0, 51)
    customer = Customer.objects.order_by("-pk").first()
    order = Order.objects.order_by("-pk").first()
    form = OrderForm.objects.order_by("pk").first()
    discipline = Discipline.objects.order_by("pk").first()
    some_day = order.created_at.date() if order else None

    def orders_with(**filters: object) -> Callable[[], QuerySet]:
        return lambda: pages.orders_listed(filters)[page]

    yield "orders", orders_with()
    for name, value in [
        ("status", "in_review"),
        ("customer", customer),
        ("form", form),
        ("channel", "phone"),
        ("date_from", some_day),
        ("date_to", some_day),
        ("to_assess", discipline),
        ("q", order.number if order else "SO"),
        ("q", order.number[:-3] if order else "SO-"),
        ("q", "Acme"),
        ("q", customer.account_code if customer else "CUST"),
        ("q", order.customer_reference if order else "PO-"),
        ("q", "no such text"),
    ]:
        yield f"orders ?{name}={value}", orders_with(**{name: value})
    yield "orders ?status&channel", orders_with(status="in_review", channel="phone")
    for sort in orders.ORDER_SORTS:
        yield f"orders sort={sort}", orders_with(sort=sort)
    total = max(Order.objects.count(), 60)
    yield (
        f"orders, keyset page after row {total - 60}",
        lambda: _deep_page(orders.orders_filtered({}), total - 60),
    )
    yield "customers", lambda: orders.customers_search("")[page]
    yield "customers ?q=Acme", lambda: orders.customers_search("Acme")[page]
    yield (
        "customer's orders",
        lambda: customer.orders.order_by("-created_at", "-pk")[:100],
    )

    def comms_with(**filters: object) -> Callable[[], QuerySet]:
        return lambda: comms.communications_filtered(filters)[page]

    yield "communications", comms_with()
    for name, value in [
        ("customer", customer),
        ("order", order.number if order else ""),
        ("kind", "complaint"),
        ("direction", "in"),
        ("channel", "phone"),
        ("follow_up", "pending"),
        ("occurred_from", some_day),
        ("occurred_to", some_day),
        ("q", "delivery"),
        ("q", "no such text"),
    ]:
        yield f"communications ?{name}={value}", comms_with(**{name: value})
    deep = max(comms.communications_filtered({}).count() - 60, 0)
    yield (
        f"communications, keyset page after row {deep}",
        lambda: _deep_page(comms.communications_filtered({}), deep),
    )
    yield "notices", lambda: comms.notices_filtered("")[page]
    yield "notices ?status=failed", lambda: comms.notices_filtered("failed")[page]
    reviewer = User.objects.filter(username="engineer").first()
    if reviewer is not None:
        yield "my reviews", lambda: reviews.reviews_for_reviewer(reviewer)[page]
    yield "awaiting decision", lambda: reviews.reviews_awaiting_decision()[page]
    yield (
        "audit timeline",
        lambda: audit.timeline_queryset(audit.TimelineFilter(), limit=51),
    )
    if reviewer is not None:
        yield (
            "audit timeline ?user",
            lambda: audit.timeline_queryset(
                audit.TimelineFilter(user_id=reviewer.pk), limit=51
            ),
        )
    yield (
        "audit timeline ?model=order",
        lambda: audit.timeline_queryset(
            audit.TimelineFilter(model_label="orders.order"), limit=51
        ),
    )
    if order is not None:
        yield (
            "audit timeline ?order",
            lambda: audit.timeline_queryset(
                audit.TimelineFilter(order_id=order.pk), limit=51
            ),
        )
    if some_day is not None:
        yield (
            "audit timeline ?date",
            lambda: audit.timeline_queryset(
                audit.TimelineFilter(date_from=some_day, date_to=some_day), limit=51
            ),
        )


class Command(BaseCommand):
    help = (
        "EXPLAIN ANALYZE the main query of every list (orders, customers, "
        "communications, notices, my reviews, audit timeline), plain and with each "
        "filter and sort: time, indexes used, large sequential scans."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--markdown", action="store_true", help="As a table.")

    def handle(self, *args: object, **options: object) -> None:
        from orders.models import Order

        results = []
        for name, build in _cases():
            queryset = build()
            explain(queryset)  # warm the cache: the second run is the steady state
            results.append((name, explain(queryset)))
        markdown = options["markdown"]
        if markdown:
            self.stdout.write("| list query | ms | indexes used | large seq scans |")
            self.stdout.write("|---|---:|---|---|")
        for name, result in results:
            indexes = ", ".join(result["indexes"]) or "none"
            scans = ", ".join(result["seq_scans"]) or "-"
            if markdown:
                self.stdout.write(
                    f"| {name} | {result['ms']:.1f} | {indexes} | {scans} |"
                )
            else:
                self.stdout.write(
                    f"{name:<40} {result['ms']:8.1f} ms  index: {indexes}"
                    + (f"  SEQ SCAN: {scans}" if result["seq_scans"] else "")
                )
        slow = [name for name, result in results if result["seq_scans"]]
        self.stdout.write(
            f"{len(results)} list queries explained on {Order.objects.count()} "
            f"orders; {len(slow)} scan a large table sequentially"
            + (f": {', '.join(slow)}" if slow else ".")
        )
