"""Template tags through which other apps' pages show communications data.

The order, customer, home and dashboard pages include our partials; the partials load
their data here, so no other app imports communications.
"""

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from communications import selectors

register = template.Library()


@register.simple_tag
def order_communications(order: Any, limit: int = 20) -> list:
    return selectors.communications_for_order(order, limit)


@register.simple_tag
def customer_communications(customer: Any, limit: int = 20) -> list:
    return selectors.communications_for_customer(customer, limit)


@register.simple_tag
def open_follow_ups(limit: int = 10) -> list:
    return selectors.open_follow_ups(limit)


@register.simple_tag
def failed_notices_for_order(order: Any) -> list:
    return selectors.failed_notices_for_order(order)


@register.simple_tag
def failed_notices(limit: int = 10) -> list:
    return selectors.failed_notices(limit)


@register.simple_tag
def open_complaints_summary() -> dict:
    return selectors.open_complaints_summary()


@register.simple_tag
def offering_request_url(offering: Any) -> str:
    """The order form page for an offering, or "" while that page does not exist."""
    try:
        return reverse("orders:catalog_request", args=[offering.order_form.slug])
    except NoReverseMatch:
        return ""
