"""The customer-property register's writes (ISO 9001 8.5.3): receive an item, move or
release it, report a loss, damage or unsuitability to the customer, close that
follow-up. Each is one transaction; the history records who and why."""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from communications.models import Communication, CustomerProperty
from communications.services import communication_record
from orderreview.history import attribute
from orderreview.models import User
from orders.models import Customer, Order

Status = CustomerProperty.Status
# Where an item may go: back to the customer, or into the product.
RELEASES = (Status.RETURNED, Status.INCORPORATED)
# Items still with us: held, or held with a reported damage or unsuitability (a
# damaged tool is still moved, and still goes back). A lost one is not with us.
WITH_US = (Status.HELD, Status.DAMAGED, Status.UNSUITABLE)


def _not_in_future(day: date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: "This date is in the future."})


def _saved(item: CustomerProperty, *, user: User, reason: str) -> CustomerProperty:
    attribute(item, user=user, reason=reason)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def property_receive(
    *,
    customer: Customer,
    order: Order | None,
    kind: str,
    description: str,
    received_on: date,
    condition_on_receipt: str,
    location: str,
    user: User,
) -> CustomerProperty:
    """Enter what the customer sent us, as it arrived."""
    if order is not None and order.customer_to_confirm:
        raise ValidationError(
            {"order": f"Confirm who the customer of {order.number} is first."}
        )
    if order is not None and order.customer_id != customer.pk:
        raise ValidationError(
            {"order": f"Order {order.number} belongs to another customer."}
        )
    _not_in_future(received_on, "received_on")
    item = CustomerProperty(
        customer=customer,
        order=order,
        kind=kind,
        description=description.strip(),
        received_on=received_on,
        condition_on_receipt=condition_on_receipt.strip(),
        location=location.strip(),
        recorded_by=user,
    )
    return _saved(item, user=user, reason="Received")


def _locked(item: CustomerProperty) -> CustomerProperty:
    return CustomerProperty.objects.select_for_update().get(pk=item.pk)


@transaction.atomic
def property_move(
    *, item: CustomerProperty, location: str, user: User
) -> CustomerProperty:
    """Say where the item is now."""
    item = _locked(item)
    if item.status not in WITH_US:
        raise ValidationError("Only an item we still hold can be moved.")
    location = location.strip()
    if location == item.location:
        raise ValidationError({"location": "It is already there."})
    item.location = location
    return _saved(item, user=user, reason=f"Moved to {location}")


@transaction.atomic
def property_release(
    *, item: CustomerProperty, status: str, user: User
) -> CustomerProperty:
    """The item went back to the customer or into their product."""
    item = _locked(item)
    if status not in RELEASES:
        raise ValidationError({"status": "Choose returned or used in the product."})
    if item.status not in WITH_US:
        raise ValidationError(
            f"It is already {item.get_status_display().lower()}: nothing to release."
        )
    item.status = status
    return _saved(item, user=user, reason=Status(status).label)


@transaction.atomic
def property_problem_report(
    *,
    item: CustomerProperty,
    problem: str,
    details: str,
    channel: str,
    occurred_at: datetime,
    user: User,
) -> CustomerProperty:
    """Record a loss, damage or unsuitability and how the customer was told: the
    report is a communication on file, and the problem stays open until closed."""
    item = _locked(item)
    if problem not in CustomerProperty.PROBLEMS:
        raise ValidationError({"problem": "Choose lost, damaged or unsuitable."})
    if item.status != Status.HELD:
        raise ValidationError(
            f"It is {item.get_status_display().lower()}: only an item we hold can "
            "have a new problem reported."
        )
    if not details.strip():
        raise ValidationError({"details": "Say what happened and what you told them."})
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"occurred_at": "This date is in the future."})
    if timezone.localdate(occurred_at) < item.received_on:
        raise ValidationError({"occurred_at": "This is before the item was received."})
    label = Status(problem).label
    item.problem_report = communication_record(
        customer=item.customer,
        order=item.order,
        direction=Communication.Direction.OUTBOUND,
        channel=channel,
        kind=Communication.Kind.CUSTOMER_PROPERTY,
        subject=f"Your property: {label.lower()}: {item.description}"[:200],
        body=details.strip(),
        occurred_at=occurred_at,
        recorded_by=user,
    )
    item.status = problem
    return _saved(item, user=user, reason=f"{label}, reported to the customer")


@transaction.atomic
def property_problem_close(
    *, item: CustomerProperty, resolution: str, user: User
) -> CustomerProperty:
    """Close the follow-up of a reported problem: say what was agreed or done."""
    item = _locked(item)
    if not item.problem_open:
        raise ValidationError("There is no open problem to close.")
    if not resolution.strip():
        raise ValidationError(
            {"resolution": "Say how it was resolved before closing it."}
        )
    item.resolution = resolution.strip()
    item.resolved_by = user
    item.resolved_at = timezone.now()
    return _saved(item, user=user, reason="Problem closed")
