"""Reads shared by views and template tags."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from communications.models import (
    Communication,
    CommunicationAttachment,
    Offering,
    OutboundNotice,
)
from orderreview.urlfill import url_filler
from orders.models import StatutoryRequirement

PAGE_SIZE = 50
PENDING_STATES = [Communication.FollowUp.OPEN, Communication.FollowUp.IN_PROGRESS]


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def communications_filtered(filters: dict[str, Any]) -> QuerySet[Communication]:
    """The log, newest first, narrowed by the list page's filter form."""
    queryset = Communication.objects.select_related(
        "customer", "order", "recorded_by"
    ).order_by("-occurred_at", "-pk")
    if filters.get("customer"):
        queryset = queryset.filter(customer=filters["customer"])
    if filters.get("order"):
        queryset = queryset.filter(order__number=filters["order"].strip())
    for field in ("kind", "direction", "channel"):
        if filters.get(field):
            queryset = queryset.filter(**{field: filters[field]})
    if filters.get("follow_up") == "pending":
        queryset = queryset.filter(follow_up__in=PENDING_STATES)
    elif filters.get("follow_up"):
        queryset = queryset.filter(follow_up=filters["follow_up"])
    if filters.get("occurred_from"):
        queryset = queryset.filter(
            occurred_at__gte=_day_start(filters["occurred_from"])
        )
    if filters.get("occurred_to"):
        end = _day_start(filters["occurred_to"] + timedelta(days=1))
        queryset = queryset.filter(occurred_at__lt=end)
    if filters.get("q"):
        text = filters["q"].strip()
        queryset = queryset.filter(Q(subject__icontains=text) | Q(body__icontains=text))
    return queryset


def communication_detail(pk: int) -> Communication:
    return (
        Communication.objects.select_related(
            "customer", "order", "recorded_by", "closed_by"
        )
        .prefetch_related("attachments")
        .get(pk=pk)
    )


def links_filled(rows: list[Communication]) -> list[Communication]:
    """Set each row's detail_url, the link communications/_communication_rows.html
    shows, from one reverse() for all rows (orderreview.urlfill)."""
    detail_url = url_filler("communications:communication_detail")
    for row in rows:
        row.detail_url = detail_url(row.pk)
    return rows


# What a row of communications/_communication_rows.html shows of a communication
# (its customer's and order's names are joined by the pages that show them).
ROW_FIELDS = ("direction", "channel", "kind", "subject", "occurred_at", "follow_up")


def order_panel_communications(order: Any, limit: int = 20) -> list[Communication]:
    """The order page's communications, newest first: what their rows show."""
    return links_filled(
        list(
            Communication.objects.filter(order=order)
            .only(*ROW_FIELDS)
            .order_by("-occurred_at", "-pk")[:limit]
        )
    )


def communications_for_order(order: Any, limit: int = 20) -> list[Communication]:
    return list(
        Communication.objects.filter(order=order)
        .select_related("recorded_by")
        .order_by("-occurred_at", "-pk")[:limit]
    )


def attachments_for_order(order: Any, limit: int = 20) -> list[CommunicationAttachment]:
    """Files kept with the order's communications, newest first, each with its
    communication (what a confirmation of requirements may point at)."""
    return list(
        CommunicationAttachment.objects.filter(communication__order=order)
        .select_related("communication")
        .order_by("-communication__occurred_at", "-pk")[:limit]
    )


def communications_for_customer(customer: Any, limit: int = 20) -> list[Communication]:
    return links_filled(
        list(
            Communication.objects.filter(customer=customer)
            .select_related("recorded_by", "order")
            .order_by("-occurred_at", "-pk")[:limit]
        )
    )


def open_follow_ups(limit: int = 10) -> list[Communication]:
    """Feedback and complaints still to deal with, oldest first (they wait longest)."""
    return list(
        Communication.objects.filter(follow_up__in=PENDING_STATES)
        .select_related("customer")
        .order_by("occurred_at", "pk")[:limit]
    )


def open_complaints_summary() -> dict[str, Any]:
    """Open complaints: how many, how old the oldest is, and how they spread in age."""
    now = timezone.now()
    week_ago = now - timedelta(days=7)
    month_ago = now - timedelta(days=30)
    # Counted on occurred_at (never null), not the id: every column read is in
    # communication_open_kind_idx, so PostgreSQL answers from the index alone.
    summary = Communication.objects.filter(
        kind=Communication.Kind.COMPLAINT, follow_up__in=PENDING_STATES
    ).aggregate(
        total=Count("occurred_at"),
        oldest=Min("occurred_at"),
        under_week=Count("occurred_at", filter=Q(occurred_at__gte=week_ago)),
        week_to_month=Count(
            "occurred_at",
            filter=Q(occurred_at__lt=week_ago, occurred_at__gte=month_ago),
        ),
        over_month=Count("occurred_at", filter=Q(occurred_at__lt=month_ago)),
    )
    summary["oldest_days"] = (now - summary["oldest"]).days if summary["oldest"] else 0
    return summary


def offerings_public() -> QuerySet[Offering]:
    """Active offerings with their active applicable regulations: two queries."""
    return (
        Offering.objects.filter(active=True, order_form__active=True)
        .select_related("order_form")
        .prefetch_related(
            Prefetch(
                "statutory_requirements",
                queryset=StatutoryRequirement.objects.filter(active=True).order_by(
                    "reference"
                ),
                to_attr="applicable_regulations",
            )
        )
    )


def offerings_all() -> QuerySet[Offering]:
    return Offering.objects.select_related("order_form")


def notices_filtered(status: str = "") -> QuerySet[OutboundNotice]:
    queryset = OutboundNotice.objects.select_related("order", "customer").order_by(
        "-created_at", "-pk"
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def failed_notices_for_order(order: Any) -> list[OutboundNotice]:
    """Notices about an order that will not go out unless someone acts."""
    return list(
        OutboundNotice.objects.filter(
            order=order, status=OutboundNotice.Status.FAILED
        ).order_by("created_at", "pk")
    )


def failed_notices(limit: int = 10) -> list[OutboundNotice]:
    """Customer service's queue: the latest notices that failed for good."""
    return list(
        OutboundNotice.objects.filter(status=OutboundNotice.Status.FAILED)
        .select_related("order", "customer")
        .order_by("-created_at", "-pk")[:limit]
    )
