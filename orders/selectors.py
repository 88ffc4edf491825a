"""Reads shared by the orders views and the home-page queue."""

import re
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from orderreview.loading import name_fields, own_fields
from orders.models import Customer, Order, PortalLink
from orders.services import token_hash

WHOLE_ORDER_NUMBER = re.compile(r"[A-Za-z]+-\d{4}-\d{6,}")
ORDER_SORTS = {
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "number": ("number",),
    "-number": ("-number",),
    "customer": ("customer__name", "-created_at", "-pk"),
    "requested": ("requested_date", "-created_at", "-pk"),
    "status": ("status", "-created_at", "-pk"),
    # Amounts of different currencies are never compared: grouped by currency,
    # highest first in each; orders of unknown value (currency "") come last.
    "value": ("-value_currency", "-value", "-created_at", "-pk"),
}
ORDER_SORT_LABELS = {
    "newest": "Newest first",
    "oldest": "Oldest first",
    "number": "Number (ascending)",
    "-number": "Number (descending)",
    "customer": "Customer",
    "requested": "Requested date",
    "status": "Status",
    "value": "Value (per currency, highest first)",
}


def customers_search(q: str = "") -> QuerySet[Customer]:
    customers = Customer.objects.all()
    q = q.strip()
    if q:
        customers = customers.filter(
            Q(name__icontains=q)
            | Q(account_code__icontains=q)
            | Q(contact_name__icontains=q)
            | Q(email__icontains=q)
        )
    return customers.order_by("name", "pk")


def customer_orders(customer: Customer, limit: int = 100) -> list[Order]:
    return list(
        customer.orders.select_related("form_version__form").order_by(
            "-created_at", "-pk"
        )[:limit]
    )


def orders_filtered(filters: dict[str, Any]) -> QuerySet[Order]:
    """Orders matching the cleaned filter form data, sorted, not yet sliced. The
    "to assess" filter is the reviews app's (pages.selectors.orders_listed)."""
    orders = Order.objects.select_related("customer", "form_version__form")
    if filters.get("kind"):
        orders = orders.filter(kind=filters["kind"])
    if filters.get("status"):
        orders = orders.filter(status=filters["status"])
    if filters.get("customer"):
        orders = orders.filter(customer=filters["customer"])
    if filters.get("form"):
        orders = orders.filter(form_version__form=filters["form"])
    if filters.get("channel"):
        orders = orders.filter(channel=filters["channel"])
    if filters.get("date_from"):
        orders = orders.filter(created_at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        orders = orders.filter(created_at__date__lte=filters["date_to"])
    q = (filters.get("q") or "").strip()
    if WHOLE_ORDER_NUMBER.fullmatch(q):
        # A whole order number is looked up through its unique index; a substring
        # search would scan every order.
        orders = orders.filter(number=q.upper())
    elif q:
        orders = orders.filter(pk__in=_orders_matching(q))
    return orders.order_by(
        *ORDER_SORTS.get(filters.get("sort") or "", ORDER_SORTS["newest"])
    )


def _orders_matching(q: str) -> QuerySet[Order]:
    """The ids of orders whose number, customer (name or code) or customer reference
    contains q, as a UNION of one indexed lookup each: an OR across the order and its
    customer cannot use an index, so it scanned every order. Each part is served by a
    trigram index where pg_trgm exists (orderreview/trigram.py). A text starting with
    the order-number prefix ("SO-2026-00") can only occur at the start of a number, so
    that part is a prefix match through the B-tree order_number_prefix."""
    if q.upper().startswith(f"{settings.ORDER_NUMBER_PREFIX}-"):
        by_number = Q(number__istartswith=q)
    else:
        by_number = Q(number__icontains=q)
    customers = Customer.objects.filter(
        Q(name__icontains=q) | Q(account_code__icontains=q)
    ).values("pk")
    ids = Order.objects.order_by().values("pk")
    return (
        ids.filter(by_number)
        .union(ids.filter(customer_reference__icontains=q))
        .union(ids.filter(customer__in=customers))
    )


def order_for_detail(number: str) -> Order:
    return Order.objects.select_related(
        "customer",
        "form_version__form",
        "entered_by",
        "quote",
    ).get(number=number)


def order_for_page(number: str) -> Order:
    """The order page's order: every column of the order (the page and the code it
    calls read most of them), of the rows joined to it only what the page shows:
    the customer's name, the form's name and version, who entered it, the quote's
    number (orderreview.loading)."""
    return (
        Order.objects.select_related(
            "customer", "form_version__form", "entered_by", "quote"
        )
        .only(
            *own_fields(Order),
            "customer__name",
            "form_version__number",
            "form_version__form__name",
            *name_fields("entered_by"),
            "quote__number",
        )
        .get(number=number)
    )


def orders_home_queue(limit: int = 10) -> dict[str, list[Order]]:
    """Drafts to finish, orders whose customer staff must confirm, and conditional
    acceptances: waiting for the customer's agreement, or declined by them
    (customer service raises a change order or closes the order). (Revisions whose
    requirements need confirming: requirements.confirmations.)"""
    base = Order.objects.select_related("customer").order_by("-created_at", "-pk")
    to_confirm = base.filter(customer_to_confirm=True).exclude(
        status__in=Order.DECIDED_STATUSES
    )
    return {
        "drafts": list(base.filter(status=Order.Status.DRAFT)[:limit]),
        "to_confirm": list(to_confirm[:limit]),
        "awaiting_agreement": list(
            base.filter(status=Order.Status.AWAITING_AGREEMENT)[:limit]
        ),
        "conditions_declined": list(
            base.filter(status=Order.Status.CONDITIONS_DECLINED)[:limit]
        ),
    }


def portal_links_for_order(order: Order) -> list[PortalLink]:
    return list(order.portal_links.select_related("created_by", "revoked_by"))


def portal_link_for_token(token: str) -> PortalLink | None:
    """The link a token opens, usable or not (the view says why it refuses)."""
    if not token or len(token) > 100:
        return None
    return (
        PortalLink.objects.select_related(
            "order__form_version__form", "order__customer"
        )
        .filter(token_hash=token_hash(token))
        .first()
    )


def portal_link_usable(link: PortalLink) -> bool:
    return link.is_usable(timezone.now())
