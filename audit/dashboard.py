"""Figures of the management dashboard: does the review process achieve its results?

Each figure is one aggregate query computed by PostgreSQL, so the dashboard costs the
same number of queries however many orders there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek
from django.utils import timezone

from audit import quote_figures
from orders.models import Order
from orders.money import money_display
from requirements.models import RequirementSet
from reviews.models import Decision, Review

TURNAROUND_WEEKS = 12
RECENT_REJECTIONS = 10
OVERDUE_SHOWN = 20


class PercentileCont(Aggregate):
    """PostgreSQL's percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: object, fraction: float, **extra: object) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        super().__init__(expression, fraction=float(fraction), **extra)


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        if not self.denominator:
            return None
        return round(100 * self.numerator / self.denominator, 1)


@dataclass(frozen=True)
class WeekTurnaround:
    week: dt.date
    reviews: int
    median_hours: float
    p90_hours: float

    @property
    def label(self) -> str:
        year, week, _ = self.week.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class MonthValue:
    """What the orders submitted in one month are worth, in one currency."""

    month: dt.date
    currency: str
    accepted: Decimal
    rejected: Decimal
    in_review: Decimal

    @property
    def label(self) -> str:
        return f"{self.month:%Y-%m}"

    def shown(self, amount: Decimal) -> str:
        return money_display(amount, self.currency)

    @property
    def accepted_text(self) -> str:
        return self.shown(self.accepted)

    @property
    def rejected_text(self) -> str:
        return self.shown(self.rejected)

    @property
    def in_review_text(self) -> str:
        return self.shown(self.in_review)


@dataclass
class Dashboard:
    orders_by_status: list[tuple[str, str, int]] = field(default_factory=list)
    turnaround: list[WeekTurnaround] = field(default_factory=list)
    first_pass: Rate = Rate(0, 0)
    change_orders: Rate = Rate(0, 0)
    rejections: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    overdue_total: int = 0
    today: dt.date | None = None
    quotes: quote_figures.QuoteFigures = field(
        default_factory=quote_figures.QuoteFigures
    )
    values: list[MonthValue] = field(default_factory=list)

    def chart_data(self) -> dict:
        """What static/js/dashboard.js draws (passed through json_script)."""
        return {
            "status": {
                "labels": [label for _, label, _ in self.orders_by_status],
                "values": [count for _, _, count in self.orders_by_status],
            },
            "turnaround": {
                "labels": [week.label for week in self.turnaround],
                "median": [week.median_hours for week in self.turnaround],
                "p90": [week.p90_hours for week in self.turnaround],
            },
        }


CHANGE_IN_REVIEW = ("accepted_change_in_review", "Accepted — change in review")


def orders_by_status() -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, zeros included (1 query). Accepted
    orders with a change in review are counted apart: still accepted, but busy."""
    counts: dict[str, int] = {}
    for status, changing, n in (
        Order.objects.order_by()
        .values_list("status", "change_in_review")
        .annotate(n=Count("pk"))
        .values_list("status", "change_in_review", "n")
    ):
        key = CHANGE_IN_REVIEW[0] if changing else status
        counts[key] = counts.get(key, 0) + n
    rows = []
    for value, label in Order.Status.choices:
        rows.append((value, label, counts.get(value, 0)))
        if value == Order.Status.ACCEPTED:
            rows.append((*CHANGE_IN_REVIEW, counts.get(CHANGE_IN_REVIEW[0], 0)))
    return rows


def review_turnaround(
    *, weeks: int = TURNAROUND_WEEKS, today: dt.date | None = None
) -> list[WeekTurnaround]:
    """Median and 90th percentile of review opening to decision, per ISO week of
    the decision, in hours, over the last `weeks` weeks (1 query)."""
    today = today or timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    since = timezone.make_aware(
        dt.datetime.combine(monday - dt.timedelta(weeks=weeks - 1), dt.time.min)
    )
    duration = ExpressionWrapper(
        F("decided_at") - F("review__opened_at"), output_field=DurationField()
    )
    rows = (
        Decision.objects.filter(decided_at__gte=since)
        .annotate(week=TruncWeek("decided_at"))
        .order_by()
        .values("week")
        .annotate(
            reviews=Count("pk"),
            median=PercentileCont(duration, 0.5, output_field=DurationField()),
            p90=PercentileCont(duration, 0.9, output_field=DurationField()),
        )
        .order_by("week")
    )
    return [
        WeekTurnaround(
            week=timezone.localtime(row["week"]).date()
            if isinstance(row["week"], dt.datetime)
            else row["week"],
            reviews=row["reviews"],
            median_hours=round(row["median"].total_seconds() / 3600, 1),
            p90_hours=round(row["p90"].total_seconds() / 3600, 1),
        )
        for row in rows
    ]


def first_pass_acceptance() -> Rate:
    """Orders whose first decided review was an acceptance, over orders with any
    decided review (1 query)."""
    first_outcome = (
        Decision.objects.filter(review__order=OuterRef("pk"))
        .order_by("decided_at", "pk")
        .values("outcome")[:1]
    )
    totals = Order.objects.annotate(first_outcome=Subquery(first_outcome)).aggregate(
        decided=Count("pk", filter=Q(first_outcome__isnull=False)),
        accepted=Count("pk", filter=Q(first_outcome="accept")),
    )
    return Rate(totals["accepted"], totals["decided"])


def change_order_rate() -> Rate:
    """Orders with a submitted revision numbered above 1 (a change order), over
    orders with any submitted revision (1 query). Drafts do not count: a change
    order exists once it is submitted."""
    submitted = RequirementSet.objects.filter(order=OuterRef("pk")).exclude(
        state=RequirementSet.State.DRAFT
    )
    totals = Order.objects.aggregate(
        submitted=Count("pk", filter=Q(Exists(submitted))),
        changed=Count("pk", filter=Q(Exists(submitted.filter(number__gt=1)))),
    )
    return Rate(totals["changed"], totals["submitted"])


def recent_rejections(limit: int = RECENT_REJECTIONS) -> list:
    """The latest rejections with their reasons, order and signer (1 query)."""
    return list(
        Decision.objects.filter(outcome=Decision.Outcome.REJECT)
        .select_related("review__order__customer", "decided_by")
        .order_by("-decided_at", "-pk")[:limit]
    )


def overdue_reviews(
    *, today: dt.date | None = None, limit: int = OVERDUE_SHOWN
) -> tuple[list, int]:
    """Open reviews past their due date, most overdue first, and how many (1
    query: the total is a window count, taken before the limit). Each carries
    days_overdue."""
    today = today or timezone.localdate()
    overdue = Review.objects.filter(state=Review.State.OPEN, due_date__lt=today)
    shown = list(
        overdue.select_related("order__customer", "requirement_set")
        .annotate(overdue_total=Window(Count("pk")))
        .order_by("due_date", "pk")[:limit]
    )
    for item in shown:
        item.days_overdue = (today - item.due_date).days
    return shown, shown[0].overdue_total if shown else 0


# The tables whose every change the figures depend on (history rows are written on
# every save, so their newest id moves whenever a figure can).
DEPENDS_ON = (Order, RequirementSet, Review, Decision)


VALUE_MONTHS = 12
VALUE_ACCEPTED = (Order.Status.ACCEPTED,)
VALUE_REJECTED = (Order.Status.REJECTED, Order.Status.CONDITIONS_DECLINED)
VALUE_IN_REVIEW = (
    Order.Status.AWAITING_REVIEW,
    Order.Status.IN_REVIEW,
    Order.Status.AWAITING_AGREEMENT,
)


def value_by_month(
    *, months: int = VALUE_MONTHS, today: dt.date | None = None
) -> list[MonthValue]:
    """Value accepted, rejected and in review per month of submission and per
    currency, newest month first (1 query). Currencies are never added together."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=18, decimal_places=3))

    def total(statuses: tuple[str, ...]) -> Coalesce:
        return Coalesce(Sum("value", filter=Q(status__in=statuses)), zero)

    rows = (
        Order.objects.filter(
            value__isnull=False,
            submitted_at__date__gte=first,
            status__in=[*VALUE_ACCEPTED, *VALUE_REJECTED, *VALUE_IN_REVIEW],
        )
        .annotate(month=TruncMonth("submitted_at"))
        .order_by()
        .values("month", "value_currency")
        .annotate(
            accepted=total(VALUE_ACCEPTED),
            rejected=total(VALUE_REJECTED),
            in_review=total(VALUE_IN_REVIEW),
        )
        .order_by("-month", "value_currency")
    )
    return [
        MonthValue(
            month=row["month"].date()
            if isinstance(row["month"], dt.datetime)
            else row["month"],
            currency=row["value_currency"],
            accepted=row["accepted"],
            rejected=row["rejected"],
            in_review=row["in_review"],
        )
        for row in rows
    ]


def data_version() -> str:
    """The newest history id of each table the figures read: one index look-up each,
    in one query. Equal versions mean equal figures (for the same day)."""
    tables = [model.history.model._meta.db_table for model in DEPENDS_ON]
    columns = ", ".join(
        f"(SELECT max(history_id) FROM {connection.ops.quote_name(t)})"  # noqa: S608
        for t in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")  # noqa: S608 (our own table names)
        return "-".join(str(value) for value in cursor.fetchone())


def dashboard(*, today: dt.date | None = None) -> Dashboard:
    """Every figure of the dashboard: 8 queries, whatever the data."""
    today = today or timezone.localdate()
    overdue, overdue_total = overdue_reviews(today=today)
    return Dashboard(
        orders_by_status=orders_by_status(),
        turnaround=review_turnaround(today=today),
        first_pass=first_pass_acceptance(),
        change_orders=change_order_rate(),
        rejections=recent_rejections(),
        overdue=overdue,
        overdue_total=overdue_total,
        today=today,
        quotes=quote_figures.quote_figures(),
        values=value_by_month(today=today),
    )
