"""Template tags of the communications pages."""

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def offering_request_url(offering: Any) -> str:
    """The order form page for an offering, or "" while that page does not exist."""
    try:
        return reverse("orders:catalog_request", args=[offering.order_form.slug])
    except NoReverseMatch:
        return ""
