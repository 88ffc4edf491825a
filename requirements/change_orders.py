"""Change orders (ISO 9001 8.2.4): raise one, or discard it unsubmitted.

A change order is the order's next requirement revision: it is drafted, edited
and submitted through requirements.services like revision 1, and its submission
tells the people it affects (requirements.change_notifications).
"""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from orderreview import events
from orderreview.history import attribute
from orderreview.models import User
from orders.models import Channel, Order
from orders.services import UNDOCUMENTED_CHANNELS
from requirements import selectors
from requirements.models import Requirement, RequirementSet
from requirements.services import locked_draft, revision_create

# Orders whose requirements can be changed: agreed ones, and ones still in review
# (the change then replaces the revision under review).
CHANGEABLE = (
    Order.Status.ACCEPTED,
    Order.Status.AWAITING_REVIEW,
    Order.Status.IN_REVIEW,
    # The customer declined the conditions: a change is one way forward.
    Order.Status.CONDITIONS_DECLINED,
)


@transaction.atomic
def change_order_start(
    *,
    order: Order,
    user: User,
    reason: str,
    channel: str,
    requested_by: str,
    request_subject: str = "",
    request_body: str = "",
    request_attachment: UploadedFile | None = None,
    documented_statement: bool | None = None,
) -> RequirementSet:
    """Raise a change order: revision n+1 as a draft, pre-filled with the answers
    and hand-added requirements of the revision in review, or else of the last
    accepted one. The order keeps its number, links, communications and history.

    With request_subject (and optionally a body and the customer's file) the
    customer's own request is put on file too, through events.change_requested:
    requirements may not import communications, which files it.

    documented_statement: whether the customer gave the change in writing (ISO 9001
    8.2.3.1); without, the revision needs its own customer confirmation. None takes
    it from the channel: a change by phone or in person is not documented."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    errors = {}
    if (request_body.strip() or request_attachment) and not request_subject.strip():
        errors["request_subject"] = "Give the customer's request a subject."
    if not reason.strip():
        errors["reason"] = "Say why the requirements change."
    if channel not in Channel.values:
        errors["channel"] = "Choose how the change reached us."
    if not requested_by.strip():
        errors["requested_by"] = "Say who asked for the change."
    if errors:
        raise ValidationError(errors)
    # The reviews app's agreement, followed by name (requirements never imports
    # reviews): a change while conditions wait for the customer's answer would
    # leave that answer about requirements no longer proposed.
    if order.revisions.filter(review__decision__agreement__state="pending").exists():
        raise ValidationError(
            f"{order.number} waits for the customer's answer to the conditions of "
            "its acceptance: record their answer first (a decline, if they want a "
            "change instead)."
        )
    if order.status not in CHANGEABLE:
        raise ValidationError(
            f"{order.number} is {order.get_status_display().lower()}: only an "
            "accepted order, one in review or one whose conditions the customer "
            "declined can be changed."
        )
    source = selectors.change_source_revision(order)
    if source is None:
        raise ValidationError(f"{order.number} has no requirements to change yet.")
    if documented_statement is None:
        documented_statement = channel not in UNDOCUMENTED_CHANNELS
    revision = revision_create(
        order=order,
        user=user,
        answers=source.answers,
        reason=reason.strip(),
        channel=channel,
        requested_by=requested_by.strip(),
        documented_statement=documented_statement,
    )
    hand_added_copy(source=source, revision=revision, user=user)
    if request_subject.strip():
        _change_request_log(
            revision=revision,
            user=user,
            subject=request_subject.strip(),
            body=request_body,
            attachment=request_attachment,
        )
    return revision


def _change_request_log(
    *,
    revision: RequirementSet,
    user: User,
    subject: str,
    body: str,
    attachment: UploadedFile | None,
) -> None:
    try:
        events.change_requested.send(
            sender=RequirementSet,
            revision=revision,
            user=user,
            subject=subject,
            body=body,
            attachment=attachment,
        )
    except ValidationError as error:
        # Keyed by this service's argument names, so the form shows it in place.
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {
                f"request_{key}" if key in ("subject", "body", "attachment") else key: (
                    messages
                )
                for key, messages in error.error_dict.items()
            }
        ) from None


@transaction.atomic
def change_order_discard(*, revision: RequirementSet, user: User) -> None:
    """Drop a change order that was never submitted (its history rows remain)."""
    revision = locked_draft(revision)
    if revision.number == 1:
        raise ValidationError("An order's first revision cannot be discarded.")
    for requirement in revision.requirements.all():
        attribute(requirement, user=user)
        requirement.delete()
    attribute(revision, user=user)
    revision.delete()


def hand_added_copy(
    *,
    source: RequirementSet,
    revision: RequirementSet,
    user: User,
    reason: str | None = None,
) -> None:
    """Copy source's hand-added requirements into a new revision. They keep their
    key, so a diff sees them as the same requirement unless someone edits or
    removes them."""
    for earlier in source.requirements.filter(source__in=selectors.HAND_ADDED):
        copy = Requirement(
            requirement_set=revision,
            key=earlier.key,
            statement=earlier.statement,
            value=earlier.value,
            category=earlier.category,
            discipline_id=earlier.discipline_id,
            source=earlier.source,
            position=earlier.position,
            created_by=earlier.created_by,
        )
        attribute(copy, user=user, reason=reason)
        copy.save()
