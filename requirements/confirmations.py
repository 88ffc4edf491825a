"""Customer confirmation of a revision given without a documented statement
(ISO 9001 8.2.3.1): the service that records it and the reads that find it.

The confirmation links the conversation it happened in: a communication or one of
its attachments. Those are the communications app's models, a higher layer: they
are reached through the confirmation's string foreign keys and the instances the
caller passes, never imported here.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from orderreview.history import attribute
from orderreview.models import User
from requirements.models import RequirementSet, RevisionConfirmation

# Who may still record (or correct) a confirmation: a submitted, undecided revision.
# A draft can still change after the customer confirmed it; a decided one is signed.
RECORDABLE = RequirementSet.State.SUBMITTED


def _entered(revision: RequirementSet) -> str:
    what = "the order" if revision.number == 1 else f"revision {revision.number}"
    when = timezone.localtime(revision.created_at)
    return f"{what} was entered ({when:%Y-%m-%d %H:%M})"


def confirmation_check(
    *, revision: RequirementSet, method: str, confirmed_at: datetime.datetime
) -> None:
    """Refuse, field by field, what confirmation_record would refuse about the
    revision, the method and the date (before anything else is written)."""
    if revision.statement_documented:
        raise ValidationError(
            f"Revision {revision.number} came with a documented statement: it needs "
            "no customer confirmation."
        )
    if revision.state != RECORDABLE:
        raise ValidationError(
            f"Revision {revision.number} is {revision.get_state_display().lower()}: "
            "a confirmation is recorded once it is submitted and until it is decided."
        )
    errors = {}
    if not method.strip():
        errors["method"] = "Say how the customer confirmed (e.g. read back by phone)."
    # Requirements cannot be confirmed before they were given: the form is to the
    # minute, so the entry counts from the start of its minute.
    if confirmed_at > timezone.now():
        errors["confirmed_at"] = "The confirmation cannot be in the future."
    elif confirmed_at < revision.created_at.replace(second=0, microsecond=0):
        errors["confirmed_at"] = (
            f"The confirmation cannot be before {_entered(revision)}."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def confirmation_record(
    *,
    revision: RequirementSet,
    user: User,
    method: str,
    confirmed_at: datetime.datetime,
    communication: Any = None,
    attachment: Any = None,
) -> RevisionConfirmation:
    """Record how, when and in which conversation the customer confirmed a
    revision's requirements; the recorder is who confirmed. A second recording
    while the revision is undecided corrects the first (history keeps both).

    communication: a communications.Communication of the revision's order;
    attachment: a CommunicationAttachment of one (its communication is linked too).
    """
    revision = (
        RequirementSet.objects.select_for_update()
        .select_related("order")
        .get(pk=revision.pk)
    )
    confirmation_check(revision=revision, method=method, confirmed_at=confirmed_at)
    if attachment is not None:
        communication = attachment.communication
    if communication is None:
        raise ValidationError(
            {
                "communication": "Choose the communication in which the customer "
                "confirmed, or record it."
            }
        )
    if communication.order_id != revision.order_id:
        raise ValidationError(
            {"communication": "That communication is about another order."}
        )
    existing = RevisionConfirmation.objects.filter(revision=revision).first()
    confirmation = existing or RevisionConfirmation(revision=revision)
    confirmation.method = method.strip()
    confirmation.confirmed_at = confirmed_at
    confirmation.confirmed_by = user
    confirmation.communication = communication
    confirmation.attachment = attachment
    confirmation.legacy = False
    attribute(
        confirmation,
        user=user,
        reason="Confirmation corrected" if existing else "Customer confirmation",
    )
    confirmation.save()
    return confirmation


def _missing() -> Q:
    """Submitted revisions given without a documented statement and not confirmed.
    NOT EXISTS, not a left join on the confirmation: PostgreSQL then walks the
    submitted revisions oldest first (reqset_submitted_idx) and stops at the tenth,
    2 ms at a million orders where the join sorted every submitted one (300 ms)."""
    confirmed = RevisionConfirmation.objects.filter(revision=OuterRef("pk"))
    return (
        Q(state=RequirementSet.State.SUBMITTED)
        & ~Exists(confirmed)
        & (
            Q(number=1, order__documented_statement=False)
            | Q(number__gt=1, documented_statement=False)
        )
    )


def confirmations_missing(limit: int = 10) -> list[RequirementSet]:
    """The home queue: revisions whose customer confirmation is still to record,
    oldest first (they wait longest). One query."""
    return list(
        RequirementSet.objects.filter(_missing())
        .select_related("order__customer")
        .order_by("created_at", "pk")[:limit]
    )


def revision_to_confirm(revisions: list[RequirementSet]) -> RequirementSet | None:
    """Of an order's revisions (with their order and confirmation read), the open
    one whose customer confirmation is missing: there is one at a time, as a new
    revision supersedes the one in review."""
    open_states = (RequirementSet.State.DRAFT, RequirementSet.State.SUBMITTED)
    return next(
        (r for r in revisions if r.confirmation_missing and r.state in open_states),
        None,
    )


def confirmation_of(revision: RequirementSet) -> RevisionConfirmation | None:
    """A revision's confirmation, None when there is none (no query when the
    caller selected it with the revision)."""
    return getattr(revision, "confirmation", None)
