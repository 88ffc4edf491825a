"""What matters is held by the database too, whatever writes the row."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.webhooks.conftest import endpoint_for
from webhooks.models import WebhookDelivery, WebhookEndpoint

EVENT = "00000000-0000-4000-8000-000000000003"


@pytest.mark.parametrize(
    "changes",
    [
        {"url": "file:///etc/passwd"},
        {"events": []},
        {"events": ["order.deleted"]},
        {"secret": "typed-by-hand"},
    ],
)
def test_the_database_refuses_a_bad_endpoint(integrations_admin, changes):
    endpoint = endpoint_for(integrations_admin, "https://erp.example.com/h")
    with pytest.raises(IntegrityError), transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(**changes)


def test_the_database_refuses_a_waiting_delivery_without_a_due_time(
    integrations_admin,
):
    endpoint = endpoint_for(integrations_admin, "https://erp.example.com/h")
    with pytest.raises(IntegrityError), transaction.atomic():
        WebhookDelivery.objects.create(
            endpoint=endpoint, event_type="ping", event_id=EVENT, payload={}
        )


def test_one_event_is_delivered_once_per_endpoint_unless_resent(integrations_admin):
    endpoint = endpoint_for(integrations_admin, "https://erp.example.com/h")
    now = timezone.now()
    first = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_type="ping",
        event_id=EVENT,
        payload={},
        next_attempt_at=now,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        WebhookDelivery.objects.create(
            endpoint=endpoint,
            event_type="ping",
            event_id=EVENT,
            payload={},
            next_attempt_at=now,
        )
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_type="ping",
        event_id=EVENT,
        payload={},
        next_attempt_at=now,
        resent_from=first,
    )
    assert endpoint.deliveries.count() == 2
