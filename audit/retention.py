"""Records past their retention period (ISO 9001 7.5.3.2): per record type, how long
it is kept (settings.RETENTION_YEARS), when its clock starts, and which records are
past it. A report only: nothing here deletes anything."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.utils import timezone

from communications.models import Communication
from orders.models import Order
from reviews.models import Decision

SHOWN = 50


@dataclass
class RetentionGroup:
    key: str
    label: str
    clock: str  # when the period starts, as the page says it
    years: int
    cutoff: dt.datetime
    count: int = 0
    rows: list = field(default_factory=list)


def _years_before(now: dt.datetime, years: int) -> dt.datetime:
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def _orders_past(cutoff: dt.datetime) -> QuerySet[Order]:
    """Decided orders whose every decision is older than cutoff."""
    decisions = Decision.objects.filter(review__order=OuterRef("pk"))
    return (
        Order.objects.filter(status__in=[Order.Status.ACCEPTED, Order.Status.REJECTED])
        .filter(~Exists(decisions.filter(decided_at__gte=cutoff)))
        .annotate(last_decided=Max("reviews__decision__decided_at"))
        .select_related("customer")
        .order_by("last_decided", "pk")
    )


def _communications_past(cutoff: dt.datetime) -> QuerySet[Communication]:
    return (
        Communication.objects.exclude(kind__in=Communication.FOLLOW_UP_KINDS)
        .filter(occurred_at__lt=cutoff)
        .select_related("customer")
        .order_by("occurred_at", "pk")
    )


def _complaints_past(cutoff: dt.datetime) -> QuerySet[Communication]:
    """Feedback and complaints closed before cutoff (open ones are never past)."""
    return (
        Communication.objects.filter(
            kind__in=Communication.FOLLOW_UP_KINDS,
            follow_up=Communication.FollowUp.CLOSED,
            closed_at__lt=cutoff,
        )
        .select_related("customer")
        .order_by("closed_at", "pk")
    )


# Each record type: its key (settings.RETENTION_YEARS, Disposal.RecordType), label,
# when its clock starts, and the records past a cutoff.
RECORD_TYPES = (
    ("orders", "Orders", "from the order's last decision", _orders_past),
    (
        "communications",
        "Communications (other than feedback and complaints)",
        "from when it took place",
        _communications_past,
    ),
    (
        "complaints",
        "Feedback and complaints",
        "from when its follow-up was closed",
        _complaints_past,
    ),
)


def _group(key: str, now: dt.datetime) -> tuple[RetentionGroup, QuerySet]:
    for candidate, label, clock, past in RECORD_TYPES:
        if candidate == key:
            years = settings.RETENTION_YEARS[key]
            cutoff = _years_before(now, years)
            group = RetentionGroup(key, label, clock, years, cutoff)
            return group, past(cutoff)
    raise ValueError(f"no retention rule for {key!r}")


def retention_report(now: dt.datetime | None = None) -> list[RetentionGroup]:
    """Each record type with its period and what is past it: a count and the
    oldest SHOWN records. Two queries per type."""
    now = now or timezone.now()
    groups = []
    for key, *_ in RECORD_TYPES:
        group, records = _group(key, now)
        group.count = records.count()
        group.rows = list(records[:SHOWN])
        groups.append(group)
    return groups


def past_retention(key: str, pk: int, now: dt.datetime | None = None) -> str | None:
    """The rule a record of this type is past, as a tombstone states it, or None
    while it must still be kept."""
    group, records = _group(key, now or timezone.now())
    if not records.filter(pk=pk).exists():
        return None
    return (
        f"{group.label}: kept {group.years} year{'s' if group.years != 1 else ''} "
        f"{group.clock} (past it before {group.cutoff:%Y-%m-%d})"
    )
