"""Resolving an order's difference from its quote with the customer: the
conversation is filed as a communication on the order (communications) and the
difference points at it (requirements), in one transaction, orchestrated here
above both apps."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from communications import services as communication_services
from communications.models import Communication
from orderreview.models import User
from requirements import quote_differences
from requirements.models import QuoteDifference


@transaction.atomic
def difference_agree_record(
    *,
    difference: QuoteDifference,
    user: User,
    agreed_by_name: str,
    agreed_at: datetime.datetime,
    channel: str,
    note: str = "",
) -> QuoteDifference:
    """The customer (agreed_by_name) agreed to the difference at agreed_at, by
    channel: filed as an inbound communication on the order, then recorded."""
    if not agreed_by_name.strip():
        raise ValidationError({"agreed_by_name": "Say who at the customer agreed."})
    order = difference.revision.order
    shown = difference.order_value or "not ordered"
    body = (
        f"{agreed_by_name.strip()} agreed that the order differs from quote "
        f"{order.quote.number}: {difference.statement}: "
        f"{difference.quote_value or 'not quoted'} in the quote, {shown} ordered."
    )
    if note.strip():
        body += f"\n\n{note.strip()}"
    communication = communication_services.communication_record(
        customer=order.customer,
        order=order,
        direction=Communication.Direction.INBOUND,
        channel=channel,
        kind=Communication.Kind.OTHER,
        subject=f"Difference from quote agreed: {difference.statement}"[:200],
        body=body,
        occurred_at=agreed_at,
        recorded_by=user,
    )
    return quote_differences.difference_agree(
        difference=difference,
        user=user,
        agreed_by_name=agreed_by_name,
        agreed_at=agreed_at,
        communication=communication,
    )
