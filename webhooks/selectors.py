"""Reads for the webhook pages: each a fixed number of queries."""

from django.db.models import Count, QuerySet

from orderreview.pagination import KeysetPage, keyset_page
from webhooks.models import WebhookDelivery, WebhookEndpoint

DELIVERIES_PER_PAGE = 25


def endpoints_all() -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.select_related("customer").order_by("pk")


def endpoint_deliveries(endpoint: WebhookEndpoint, *, after: str) -> KeysetPage:
    """The endpoint's deliveries, newest first, one keyset page."""
    rows = WebhookDelivery.objects.filter(endpoint=endpoint).order_by(
        "-created_at", "-pk"
    )
    return keyset_page(rows, token=after, size=DELIVERIES_PER_PAGE)


def endpoint_counts(endpoint: WebhookEndpoint) -> dict[str, int]:
    """Deliveries per state (by its label, in the states' order), for its page."""
    counts = dict(
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        label: counts[state]
        for state, label in WebhookDelivery.State.choices
        if state in counts
    }


def delivery_with_log(pk: int) -> WebhookDelivery | None:
    return (
        WebhookDelivery.objects.select_related("endpoint__customer", "customer")
        .prefetch_related("attempt_log")
        .filter(pk=pk)
        .first()
    )
