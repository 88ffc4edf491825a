"""Reactions to domain events (orderreview.events); connected in apps.ready().

They run inside the sender's transaction, so the notice exists exactly when the
revision or decision does; the e-mail itself goes out after commit.
"""

from typing import Any

from django.utils import timezone

from communications import outbound, services
from communications.models import Communication, CustomerProperty
from orderreview.history import attribute

# How an order's channel reads as a communication's channel.
_CHANNELS = {"in_person": "meeting", "edi": "other"}


def on_revision_submitted(sender: Any, revision: Any, **kwargs: Any) -> None:
    outbound.notice_queue_acknowledgement(revision=revision)


def on_review_decided(
    sender: Any,
    review: Any,
    decision: Any,
    agreement_token: str | None = None,
    **kwargs: Any,
) -> None:
    outbound.notice_queue_decision(
        review=review, decision=decision, agreement_token=agreement_token
    )


def on_catalog_request_received(sender: Any, order: Any, **kwargs: Any) -> None:
    outbound.notice_queue_receipt(order=order)


def on_change_requested(
    sender: Any,
    revision: Any,
    user: Any,
    subject: str,
    body: str,
    attachment: Any,
    **kwargs: Any,
) -> None:
    order = revision.order
    services.communication_record(
        customer=order.customer,
        order=order,
        direction=Communication.Direction.INBOUND,
        channel=_CHANNELS.get(revision.channel, revision.channel),
        kind=Communication.Kind.CHANGE_NOTICE,
        subject=subject,
        body=body,
        occurred_at=timezone.now(),
        recorded_by=user,
        attachment=attachment,
    )


def on_order_customer_changed(
    sender: Any, order: Any, user: Any, **kwargs: Any
) -> None:
    """What is filed against the order belongs to its customer: move it along, each
    row with its own history entry."""
    reason = f"Order {order.number} is now for {order.customer.name}"
    for model in (Communication, CustomerProperty):
        for row in model.objects.filter(order=order).exclude(customer=order.customer):
            row.customer = order.customer
            attribute(row, user=user, reason=reason)
            row.save(update_fields=["customer"])
