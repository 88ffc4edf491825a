"""Template tags of the order-form builder (the home page's form-admin card)."""

from django import template

from orders.models import OrderFormVersion
from orders.orderforms.selectors import drafts_in_progress as drafts_query

register = template.Library()

HOME_DRAFTS_SHOWN = 10


@register.simple_tag
def drafts_in_progress() -> list[OrderFormVersion]:
    """Draft versions being edited, newest first (at most ten)."""
    return list(drafts_query()[:HOME_DRAFTS_SHOWN])
