"""Disposal of records past retention (ISO 9001 7.5.3.2 c/d): asked for by one
records controller with a reason, approved or refused by another, then carried out.

Carrying it out removes what retention allows removing by overwriting it, never by
deleting rows: signed rows (revisions, requirements, decisions, signatures) and
history rows are refused UPDATE and DELETE by the database, and a signature keeps
its content in its own row, so the chain still verifies. What is removed: uploaded
files (from storage, once the transaction commits, with their SHA-256 and size
recorded first), a communication's text, an order's contact details. The Disposal
row is the tombstone; the database refuses to change it afterwards.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from audit import disposal_plan, retention
from audit.models import Disposal
from audit.restored_files import ReferencedFile
from communications.models import Communication
from orderreview.history import attribute
from orderreview.models import User
from orderreview.roles import RECORDS_CONTROLLER, has_role
from orders.models import Order

RecordType = Disposal.RecordType


def _controller_check(user: User) -> None:
    if not has_role(user, RECORDS_CONTROLLER):
        raise ValidationError("Only a records controller may do this.")


def _locked_record(record_type: str, pk: int) -> Order | Communication:
    model = Order if record_type == RecordType.ORDER else Communication
    record = model.objects.select_for_update().filter(pk=pk).first()
    if record is None:
        raise ValidationError("That record does not exist.")
    return disposal_plan.record_get(record_type, pk)


@transaction.atomic
def disposal_request(
    *, record_type: str, record_id: int, reason: str, user: User
) -> Disposal:
    """Ask for one record past retention to be disposed of; someone else decides."""
    _controller_check(user)
    if record_type not in RecordType.values:
        raise ValidationError("There is no such kind of record.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why it should be disposed of."})
    record = _locked_record(record_type, record_id)
    refusal = disposal_plan.disposal_refusal(record_type, record)
    if refusal:
        raise ValidationError(refusal)
    disposal = Disposal(
        record_type=record_type,
        order=record if record_type == RecordType.ORDER else None,
        communication=None if record_type == RecordType.ORDER else record,
        record_label=disposal_plan.record_label(record),
        retention_rule=retention.past_retention(record_type, record.pk),
        reason=reason,
        requested_by=user,
        requested_at=timezone.now(),
    )
    attribute(disposal, user=user, reason="Disposal requested")
    disposal.full_clean()
    disposal.save()
    return disposal


def _pending(disposal: Disposal, user: User) -> Disposal:
    _controller_check(user)
    disposal = Disposal.objects.select_for_update().get(pk=disposal.pk)
    if disposal.state != Disposal.State.REQUESTED:
        raise ValidationError(f"It was already {disposal.get_state_display().lower()}.")
    if disposal.requested_by_id == user.pk:
        raise ValidationError(
            "You asked for this disposal: another records controller decides it."
        )
    return disposal


@transaction.atomic
def disposal_approve(*, disposal: Disposal, user: User) -> Disposal:
    """Another records controller agrees, having seen what will be removed and
    what is kept. The record must still be disposable."""
    disposal = _pending(disposal, user)
    refusal = disposal_plan.disposal_refusal(
        disposal.record_type, disposal.record, ignoring=disposal
    )
    if refusal:
        raise ValidationError(refusal)
    disposal.state = Disposal.State.APPROVED
    disposal.decided_by = user
    disposal.decided_at = timezone.now()
    attribute(disposal, user=user, reason="Disposal approved")
    disposal.save()
    return disposal


@transaction.atomic
def disposal_refuse(*, disposal: Disposal, user: User, reason: str) -> Disposal:
    """Another records controller says no, and why: the record is kept."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"refusal_reason": "Say why it is refused."})
    disposal = _pending(disposal, user)
    disposal.state = Disposal.State.REFUSED
    disposal.decided_by = user
    disposal.decided_at = timezone.now()
    disposal.refusal_reason = reason
    attribute(disposal, user=user, reason="Disposal refused")
    disposal.save()
    return disposal


def _file_facts(file: ReferencedFile) -> dict[str, object]:
    """What the tombstone says of a file: as found in storage when removed."""
    facts: dict[str, object] = {
        "path": file.path,
        "named_by": file.named_by,
        "recorded_sha256": file.sha256 or "",
    }
    if not default_storage.exists(file.path):
        return {**facts, "present": False, "sha256": "", "size": None}
    digest, size = hashlib.sha256(), 0
    with default_storage.open(file.path, "rb") as stream:
        for chunk in stream.chunks():
            digest.update(chunk)
            size += len(chunk)
    return {**facts, "present": True, "sha256": digest.hexdigest(), "size": size}


def _marker(disposal: Disposal, now: object) -> str:
    approver = disposal.decided_by.printed_name
    return (
        f"[Disposed of on {now:%Y-%m-%d} under retention: disposal #{disposal.pk}, "
        f"approved by {approver}.]"
    )


def _order_redact(order: Order, disposal: Disposal, user: User) -> list:
    order.contact_details = {}
    order.contact_email = ""
    attribute(order, user=user, reason=f"Disposed of (disposal #{disposal.pk})")
    order.save()
    return [
        {
            "model": "orders.order",
            "pk": order.pk,
            "fields": ["contact_details", "contact_email"],
        }
    ]


def _communication_redact(
    communication: Communication, disposal: Disposal, user: User, now: object
) -> list:
    marker = _marker(disposal, now)
    fields = ["body"]
    communication.body = marker
    # A closed follow-up must keep a resolution (database constraint): the marker.
    if communication.resolution:
        communication.resolution = marker
        fields.append("resolution")
    attribute(communication, user=user, reason=f"Disposed of (disposal #{disposal.pk})")
    communication.save()
    return [
        {
            "model": "communications.communication",
            "pk": communication.pk,
            "fields": fields,
        }
    ]


def _files_delete(paths: list[str]) -> None:
    for path in paths:
        default_storage.delete(path)


@transaction.atomic
def disposal_execute(*, disposal: Disposal, user: User) -> Disposal:
    """Carry out an approved disposal: overwrite the record's text and contact
    details, record every file's SHA-256 and size, write the tombstone, and
    remove the files from storage once all of it is committed."""
    _controller_check(user)
    disposal = Disposal.objects.select_for_update().get(pk=disposal.pk)
    if disposal.state != Disposal.State.APPROVED:
        raise ValidationError(
            "Only an approved disposal is carried out; this one is "
            f"{disposal.get_state_display().lower()}."
        )
    record = _locked_record(
        disposal.record_type, disposal.order_id or disposal.communication_id
    )
    refusal = disposal_plan.disposal_refusal(
        disposal.record_type, record, ignoring=disposal
    )
    if refusal:
        raise ValidationError(refusal)
    plan = disposal_plan.disposal_plan(disposal.record_type, record)
    files = [_file_facts(file) for file in plan.files]
    now = timezone.now()
    if isinstance(record, Order):
        rows = _order_redact(record, disposal, user)
    else:
        rows = _communication_redact(record, disposal, user, now)
    disposal.state = Disposal.State.DISPOSED
    disposal.executed_by = user
    disposal.executed_at = now
    disposal.removed = {"rows": rows, "files": files}
    attribute(disposal, user=user, reason="Disposal carried out")
    disposal.save()
    present = [str(f["path"]) for f in files if f["present"]]
    transaction.on_commit(lambda: _files_delete(present))
    return disposal
