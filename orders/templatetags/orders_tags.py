from django import template

from orders.selectors import orders_home_queue

register = template.Library()


@register.inclusion_tag("orders/_home_queue_items.html")
def orders_queue() -> dict:
    """Customer service's queue on the home page: drafts and orders to confirm."""
    return orders_home_queue()
