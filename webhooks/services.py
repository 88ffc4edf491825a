"""Every change to endpoints and deliveries, each in one transaction."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from orderreview.history import attribute
from orderreview.models import User
from orders.models import Customer
from webhooks import payloads
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.signing import secret_generate


def endpoints_for(event_type: str, customer_id: int | None):  # noqa: ANN201
    """Active endpoints subscribed to event_type that may see this customer's data."""
    return WebhookEndpoint.objects.filter(
        active=True, events__contains=[event_type]
    ).filter(Q(customer__isnull=True) | Q(customer_id=customer_id))


def event_queue(event_type: str, data: dict[str, Any], customer_id: int) -> int:
    """One queued delivery of a new event per endpoint that wants it; the count."""
    event_id, body = payloads.envelope(event_type, data)
    now = timezone.now()
    with transaction.atomic():
        rows = [
            WebhookDelivery(
                endpoint=endpoint,
                event_type=event_type,
                event_id=event_id,
                payload=body,
                customer_id=customer_id,
                next_attempt_at=now,
            )
            for endpoint in endpoints_for(event_type, customer_id)
        ]
        for row in rows:
            attribute(row, user=None, reason=f"Event {event_type}")
            row.save()
    return len(rows)


def endpoint_save(
    *,
    endpoint: WebhookEndpoint | None,
    user: User,
    url: str,
    description: str,
    events: list[str],
    customer: Customer | None,
    active: bool,
) -> WebhookEndpoint:
    """Create (with a new secret) or update an endpoint."""
    with transaction.atomic():
        if endpoint is None:
            endpoint = WebhookEndpoint(created_by=user, secret=secret_generate())
            reason = "Endpoint registered"
        else:
            endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
            reason = "Endpoint edited"
        endpoint.url = url
        endpoint.description = description
        endpoint.events = sorted(events)
        endpoint.customer = customer
        endpoint.active = active
        attribute(endpoint, user=user, reason=reason)
        endpoint.full_clean(exclude=["created_by"])
        endpoint.save()
    return endpoint


def secret_rotate(*, endpoint: WebhookEndpoint, user: User) -> WebhookEndpoint:
    """A new secret at once: retries of earlier deliveries are signed with it too."""
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        endpoint.secret = secret_generate()
        attribute(endpoint, user=user, reason="Secret rotated")
        endpoint.save(update_fields=["secret"])
    return endpoint


def endpoint_delete(*, endpoint: WebhookEndpoint, user: User) -> None:
    """The endpoint goes, and its delivery log with it."""
    with transaction.atomic():
        attribute(endpoint, user=user, reason="Endpoint deleted")
        endpoint.delete()


def ping_queue(*, endpoint: WebhookEndpoint, user: User) -> WebhookDelivery:
    """A test event for this endpoint only, due now."""
    event_type, data = payloads.ping_data(endpoint.pk)
    event_id, body = payloads.envelope(event_type, data)
    with transaction.atomic():
        delivery = WebhookDelivery(
            endpoint=endpoint,
            event_type=event_type,
            event_id=event_id,
            payload=body,
            next_attempt_at=timezone.now(),
        )
        attribute(delivery, user=user, reason="Test ping")
        delivery.save()
    return delivery


def delivery_resend(*, delivery: WebhookDelivery, user: User) -> WebhookDelivery:
    """A new delivery of the same event (same body and event id), due now. The
    endpoint's customer restriction is checked again: it may have changed."""
    endpoint = delivery.endpoint
    if endpoint.customer_id is not None and delivery.customer_id not in (
        None,
        endpoint.customer_id,
    ):
        raise ValidationError(
            "This endpoint no longer receives that customer's events."
        )
    with transaction.atomic():
        again = WebhookDelivery(
            endpoint=endpoint,
            event_type=delivery.event_type,
            event_id=delivery.event_id,
            payload=delivery.payload,
            customer_id=delivery.customer_id,
            resent_from=delivery,
            next_attempt_at=timezone.now(),
        )
        attribute(again, user=user, reason=f"Re-send of delivery {delivery.pk}")
        again.save()
    return again
