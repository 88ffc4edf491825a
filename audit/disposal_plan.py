"""Reads for disposal: whether a record may be disposed of, and exactly what a
disposal removes and what it keeps (the approval page states both, and the
service carries out the same plan)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from audit import retention
from audit.models import Disposal
from audit.restored_files import ReferencedFile, answer_file
from communications.models import Communication
from orderreview.loading import name_fields
from orders.models import Order
from orders.orderforms import lines
from requirements.models import Requirement, RequirementSet
from reviews.models import Review

RecordType = Disposal.RecordType

# What an order's disposal removes and keeps, in the words the pages use.
ORDER_REMOVED = (
    "every file uploaded as an answer (drawings and the like), from storage",
    "the order's contact details and contact e-mail",
)
ORDER_KEPT = (
    "the order's number, customer, header and status",
    "every revision with its requirements and answers, file names with their "
    "SHA-256 (what was signed), the reviews, decisions and signatures",
    "the history rows written before the disposal (the audit trail is "
    "append-only: it keeps earlier contact details)",
    "the order's communications: each has its own retention period",
)
COMMUNICATION_REMOVED = (
    "its text (body), and for feedback or a complaint the resolution",
    "its attachments' files, from storage",
)
COMMUNICATION_KEPT = (
    "its subject, customer, order, kind, direction, channel and dates, and who "
    "recorded and closed it",
    "its attachments' names and sizes (the files' SHA-256 and size are recorded "
    "before they are removed)",
    "the history rows written before the disposal (the audit trail is "
    "append-only: it keeps earlier text)",
)


@dataclass(frozen=True)
class DisposalPlan:
    record_type: str
    label: str
    removed: tuple[str, ...]
    kept: tuple[str, ...]
    files: tuple[ReferencedFile, ...]


def record_get(record_type: str, pk: int) -> Order | Communication | None:
    """The record a disposal of this type is about, or None."""
    if record_type == RecordType.ORDER:
        return Order.objects.select_related("customer").filter(pk=pk).first()
    if record_type in (RecordType.COMMUNICATION, RecordType.COMPLAINT):
        return Communication.objects.select_related("customer").filter(pk=pk).first()
    return None


def record_label(record: Order | Communication) -> str:
    if isinstance(record, Order):
        return record.number
    return (
        f"{record.get_kind_display()} #{record.pk} of {record.customer.name} "
        f"({record.occurred_at:%Y-%m-%d})"
    )


def order_files(order: Order) -> list[ReferencedFile]:
    """Every stored file an order's revisions name, once each (the answers kept
    on a revision and its requirements name the same file). Two queries."""
    found: dict[str, ReferencedFile] = {}
    revisions = RequirementSet.objects.filter(order=order).order_by("number")
    for revision in revisions.only("answers", "number"):
        answers = lines.answer_items(revision.answers or {})
        for key, value in sorted(answers, key=lambda item: item[0]):
            named_by = f"answer {key} of {order.number} rev. {revision.number}"
            file = answer_file(value, order.number, named_by)
            if file and file.path not in found:
                found[file.path] = file
    requirements = (
        Requirement.objects.filter(requirement_set__order=order)
        .select_related("requirement_set")
        .order_by("requirement_set__number", "position", "pk")
    )
    for requirement in requirements:
        named_by = (
            f"requirement {requirement.key} of {order.number} "
            f"rev. {requirement.requirement_set.number}"
        )
        file = answer_file(requirement.value, order.number, named_by)
        if file and file.path not in found:
            found[file.path] = file
    return list(found.values())


def communication_files(communication: Communication) -> list[ReferencedFile]:
    return [
        ReferencedFile(
            attachment.file.name,
            f"attachment #{attachment.pk} ({attachment.original_name})",
            None,
            attachment.size,
        )
        for attachment in communication.attachments.order_by("pk")
    ]


def disposal_plan(record_type: str, record: Order | Communication) -> DisposalPlan:
    if isinstance(record, Order):
        return DisposalPlan(
            record_type,
            record_label(record),
            ORDER_REMOVED,
            ORDER_KEPT,
            tuple(order_files(record)),
        )
    return DisposalPlan(
        record_type,
        record_label(record),
        COMMUNICATION_REMOVED,
        COMMUNICATION_KEPT,
        tuple(communication_files(record)),
    )


def _standing(record_type: str, pk: int) -> Disposal | None:
    field = "order" if record_type == RecordType.ORDER else "communication"
    return (
        Disposal.objects.filter(**{f"{field}_id": pk}, state__in=Disposal.STANDING)
        .order_by("-pk")
        .first()
    )


def disposal_refusal(
    record_type: str,
    record: Order | Communication,
    *,
    ignoring: Disposal | None = None,
) -> str | None:
    """Why this record may not be disposed of now, or None. ignoring: the
    disposal being carried out (it stands, and must not block itself)."""
    standing = _standing(record_type, record.pk)
    if standing is not None and standing != ignoring:
        if standing.state == Disposal.State.DISPOSED:
            return f"It was already disposed of (disposal #{standing.pk})."
        return (
            f"A disposal of it is already {standing.get_state_display().lower()} "
            f"(disposal #{standing.pk})."
        )
    if isinstance(record, Order):
        if Review.objects.filter(
            order=record, state__in=[Review.State.OPEN, Review.State.SIGNING]
        ).exists():
            return "It is under an open review: it is still being worked on."
        if RequirementSet.objects.filter(
            order=record, state=RequirementSet.State.DRAFT
        ).exists():
            return "A change order to it is being drafted: it is still being worked on."
    if retention.past_retention(record_type, record.pk) is None:
        return "It is not past its retention period: it must still be kept."
    return None


def disposal_get(pk: int) -> Disposal | None:
    return (
        Disposal.objects.select_related(
            "order__customer",
            "communication__customer",
            "requested_by",
            "decided_by",
            "executed_by",
        )
        .filter(pk=pk)
        .first()
    )


def order_disposal(order: Order) -> Disposal | None:
    """The order's disposal under way or done, for its page (and the API's): what
    they show of it. One query."""
    return (
        Disposal.objects.filter(order=order, state__in=Disposal.STANDING)
        .select_related("decided_by")
        .only(
            "state",
            "retention_rule",
            "executed_at",
            "decided_at",
            *name_fields("decided_by"),
        )
        .order_by("-pk")
        .first()
    )


def disposals_attach(groups: Iterable[retention.RetentionGroup]) -> None:
    """Set row.disposal on every row of the retention report: its latest
    disposal, or None. One query for all rows of all groups."""
    groups = list(groups)
    orders = [row.pk for g in groups if g.key == RecordType.ORDER for row in g.rows]
    communications = [
        row.pk for g in groups if g.key != RecordType.ORDER for row in g.rows
    ]
    latest: dict[tuple[str, int], Disposal] = {}
    for disposal in Disposal.objects.filter(
        Q(order_id__in=orders) | Q(communication_id__in=communications)
    ).order_by("pk"):
        kind = "order" if disposal.order_id else "communication"
        latest[(kind, disposal.order_id or disposal.communication_id)] = disposal
    for group in groups:
        kind = "order" if group.key == RecordType.ORDER else "communication"
        for row in group.rows:
            row.disposal = latest.get((kind, row.pk))
