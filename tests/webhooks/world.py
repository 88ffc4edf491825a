"""An endpoint with one delivery, for walks over every URL (tests/hardening)."""

from django.utils import timezone

from webhooks import services
from webhooks.models import EventType, WebhookDelivery


def webhook_world(customer, user) -> dict[str, dict[str, str]]:  # noqa: ANN001
    """URL name -> path parameters of the webhook pages, with real objects."""
    endpoint = services.endpoint_save(
        endpoint=None,
        user=user,
        url="https://erp.example.com/hooks",
        description="ERP",
        events=[EventType.ORDER_SUBMITTED],
        customer=customer,
        active=True,
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_type=EventType.ORDER_SUBMITTED,
        event_id="00000000-0000-4000-8000-000000000001",
        payload={"type": "order.submitted"},
        customer=customer,
        next_attempt_at=timezone.now(),
    )
    one = {"pk": str(endpoint.pk)}
    return {
        **{
            f"webhooks:{name}": one
            for name in (
                "endpoint_detail",
                "endpoint_edit",
                "endpoint_delete",
                "secret_rotate",
                "endpoint_ping",
            )
        },
        "webhooks:delivery_detail": {"pk": str(delivery.pk)},
        "webhooks:delivery_resend": {"pk": str(delivery.pk)},
    }
