"""The dashboard's quote figures: how many reviewed quotes became orders, and how
long that took (ISO 9001 9.1.3: data on the customer's requirements process)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
)

from orders.models import Order


@dataclass(frozen=True)
class QuoteFigures:
    # Quotes with an order made from them, over quotes whose review confirmed the
    # capability (or that have an order anyway).
    ordered: int = 0
    offered: int = 0
    # Median days from a quote's entry to its first order's entry.
    median_days: float | None = None

    @property
    def percent(self) -> float | None:
        if not self.offered:
            return None
        return round(100 * self.ordered / self.offered, 1)


def quote_figures() -> QuoteFigures:
    """1 query, whatever the data."""
    # audit.dashboard imports this module: its aggregate is read once both are.
    from audit.dashboard import PercentileCont  # noqa: PLC0415

    orders = Order.objects.filter(quote=OuterRef("pk"))
    first_order = (
        orders.order_by().values("quote").annotate(first=Min("created_at"))
    ).values("first")[:1]
    totals = (
        Order.objects.filter(kind=Order.Kind.QUOTE)
        .annotate(has_order=Exists(orders), first_order_at=Subquery(first_order))
        .aggregate(
            offered=Count(
                "pk", filter=Q(status=Order.Status.ACCEPTED) | Q(has_order=True)
            ),
            ordered=Count("pk", filter=Q(has_order=True)),
            median=PercentileCont(
                ExpressionWrapper(
                    F("first_order_at") - F("created_at"),
                    output_field=DurationField(),
                ),
                0.5,
                output_field=DurationField(),
            ),
        )
    )
    median = totals["median"]
    days = (
        round(median.total_seconds() / 86400, 1)
        if isinstance(median, dt.timedelta)
        else None
    )
    return QuoteFigures(totals["ordered"], totals["offered"], days)
