"""Reads of the customer-property register."""

from typing import Any

from django.db.models import Q, QuerySet

from communications.models import CustomerProperty

OPEN_PROBLEMS = "open_problems"


def _listed() -> QuerySet[CustomerProperty]:
    return CustomerProperty.objects.select_related("customer", "order")


def property_filtered(filters: dict[str, Any]) -> QuerySet[CustomerProperty]:
    """The register for the cleaned filter form, newest receipt first, not sliced."""
    items = _listed()
    if filters.get("customer"):
        items = items.filter(customer=filters["customer"])
    status = filters.get("status")
    if status == OPEN_PROBLEMS:
        items = items.filter(problem_report__isnull=False, resolved_at__isnull=True)
    elif status:
        items = items.filter(status=status)
    if filters.get("q"):
        text = filters["q"].strip()
        items = items.filter(
            Q(description__icontains=text) | Q(location__icontains=text)
        )
    return items.order_by("-received_on", "-pk")


def property_detail(pk: int) -> CustomerProperty:
    return CustomerProperty.objects.select_related(
        "customer",
        "order",
        "recorded_by",
        "resolved_by",
        "problem_report__recorded_by",
    ).get(pk=pk)


def property_of_order(order: Any, limit: int = 50) -> list[CustomerProperty]:
    """What the customer lent us for this order: one query."""
    return list(
        CustomerProperty.objects.filter(order=order).order_by("-received_on", "-pk")[
            :limit
        ]
    )
