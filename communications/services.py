"""Writes that matter in the communications app. Each is one transaction.

Outbound notices (queued, sent, retried, cancelled) are in communications.outbound.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from communications import notices
from communications.attachments import attachment_add
from communications.models import Communication, NoticeTemplate, Offering
from orderreview.history import attribute
from orderreview.models import User
from orders.models import Customer, Order, OrderForm, StatutoryRequirement

# --- the log ---------------------------------------------------------------------


@transaction.atomic
def communication_record(
    *,
    customer: Customer,
    order: Order | None = None,
    direction: str,
    channel: str,
    kind: str,
    subject: str,
    body: str = "",
    occurred_at: datetime,
    recorded_by: User | None,
    attachment: UploadedFile | None = None,
) -> Communication:
    """Put a conversation with a customer on file; feedback and complaints open."""
    if order is not None and order.customer_id != customer.pk:
        raise ValidationError(
            {"order": f"Order {order.number} belongs to another customer."}
        )
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"occurred_at": "This date is in the future."})
    follow_up = (
        Communication.FollowUp.OPEN
        if kind in Communication.FOLLOW_UP_KINDS
        else Communication.FollowUp.NONE
    )
    communication = Communication(
        customer=customer,
        order=order,
        direction=direction,
        channel=channel,
        kind=kind,
        subject=subject.strip(),
        body=body,
        occurred_at=occurred_at,
        recorded_by=recorded_by,
        follow_up=follow_up,
    )
    communication.full_clean()
    communication.save()
    if attachment is not None:
        attachment_add(communication=communication, upload=attachment, user=recorded_by)
    return communication


@transaction.atomic
def communication_follow_up(
    *,
    communication: Communication,
    state: str,
    resolution: str = "",
    user: User,
) -> Communication:
    """Move feedback or a complaint along: open, in progress, closed, or reopened."""
    communication = Communication.objects.select_for_update().get(pk=communication.pk)
    if communication.kind not in Communication.FOLLOW_UP_KINDS:
        raise ValidationError("Only feedback and complaints are followed up.")
    states = Communication.FollowUp
    if state not in (states.OPEN, states.IN_PROGRESS, states.CLOSED):
        raise ValidationError({"state": "Choose open, in progress or closed."})
    if state == communication.follow_up and state != states.CLOSED:
        raise ValidationError({"state": "It is already in this state."})
    if state == states.CLOSED:
        if communication.follow_up == states.CLOSED:
            raise ValidationError({"state": "It is already closed."})
        if not resolution.strip():
            raise ValidationError(
                {"resolution": "Say how it was resolved before closing it."}
            )
        communication.resolution = resolution.strip()
        communication.closed_by = user
        communication.closed_at = timezone.now()
    else:
        if resolution.strip():
            communication.resolution = resolution.strip()
        communication.closed_by = None
        communication.closed_at = None
    communication.follow_up = state
    attribute(communication, user=user, reason=f"Follow-up: {states(state).label}")
    communication.save()
    return communication


# --- the catalog -----------------------------------------------------------------


@transaction.atomic
def offering_save(
    *,
    offering: Offering | None = None,
    name: str,
    description: str,
    order_form: OrderForm,
    active: bool,
    position: int,
    statutory_requirements: Iterable[StatutoryRequirement] | None = None,
) -> Offering:
    """Create or change a catalog entry; statutory_requirements (when given) are
    its applicable regulations."""
    if active and not order_form.active:
        raise ValidationError(
            {"order_form": "This order form is inactive: customers could not use it."}
        )
    offering = offering or Offering()
    offering.name = name.strip()
    offering.description = description
    offering.order_form = order_form
    offering.active = active
    offering.position = position
    offering.full_clean()
    offering.save()
    if statutory_requirements is not None:
        offering.statutory_requirements.set(statutory_requirements)
    return offering


# --- notice templates ------------------------------------------------------------


@transaction.atomic
def notice_template_save(
    *, template: NoticeTemplate, subject: str, body: str, user: User
) -> NoticeTemplate:
    """Save a notice template only if it renders: a broken one never reaches mail."""
    notices.validate_template(kind=template.kind, subject=subject, body=body)
    template.subject = subject
    template.body = body
    template.updated_by = user
    template.full_clean()
    template.save()
    return template


def notice_template_for(kind: str) -> NoticeTemplate:
    """The stored template of a kind, or the built-in default if it was deleted."""
    template = NoticeTemplate.objects.filter(kind=kind).first()
    if template is None:
        subject, body = notices.DEFAULT_TEMPLATES[kind]
        template = NoticeTemplate(kind=kind, subject=subject, body=body)
    return template
