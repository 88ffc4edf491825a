"""One object's history as field differences, and an order as it stood at a moment.

Both read history rows only: what the auditor sees is what was recorded then, not
what the live tables say now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from orderreview.audit.registry import history_model
from orderreview.audit.selectors import CHANGE_TYPES


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: object
    new: object


@dataclass
class HistoryEntry:
    record: models.Model
    changes: list[FieldChange]

    @property
    def change(self) -> str:
        return CHANGE_TYPES.get(self.record.history_type, self.record.history_type)


def _shown(value: object) -> object:
    # Timestamps to the microsecond: two saves in one minute must not look equal.
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(sep=" ")
    return value


def _field_changes(
    record: models.Model, previous: models.Model | None
) -> list[FieldChange]:
    """Every tracked field whose value differs from the previous record.

    simple-history's diff_against skips non-editable fields (order number,
    timestamps); an auditor wants those too, so every tracked field is compared.
    """
    changes = []
    for tracked in record.tracked_fields:
        new = getattr(record, tracked.attname)
        old = getattr(previous, tracked.attname) if previous is not None else None
        if previous is None and new in (None, ""):
            continue
        if previous is not None and old == new:
            continue
        if tracked.choices:
            # Show what the user saw ("In review"), not the stored code.
            shown = dict(tracked.flatchoices)
            old, new = shown.get(old, old), shown.get(new, new)
        old, new = _shown(old), _shown(new)
        label = str(tracked.verbose_name)
        changes.append(
            FieldChange(tracked.attname, label[:1].upper() + label[1:], old, new)
        )
    return changes


def object_history(model: type[models.Model], object_id: int) -> list[HistoryEntry]:
    """The object's history rows, newest first, each with what it changed (1 query)."""
    records = list(
        history_model(model)
        .objects.filter(**{model._meta.pk.attname: object_id})
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries = []
    previous = None
    for record in records:
        entries.append(HistoryEntry(record, _field_changes(record, previous)))
        previous = record
    entries.reverse()
    return entries


# --- an order as of a moment -------------------------------------------------


def _state_of(
    model: type[models.Model], at: dt.datetime, **lookups: object
) -> list[models.Model]:
    """The objects of model matching lookups as they stood at `at` (1 query).

    For each object, its latest history row at or before `at`; objects whose latest
    row is a deletion (or that did not exist yet) are left out.
    """
    pk_name = model._meta.pk.attname
    latest = (
        history_model(model)
        .objects.filter(history_date__lte=at, **lookups)
        .order_by(pk_name, "-history_date", "-history_id")
        .distinct(pk_name)
    )
    return [record for record in latest if record.history_type != "-"]


@dataclass
class RevisionSnapshot:
    revision: models.Model
    requirements: list[models.Model] = field(default_factory=list)
    review: models.Model | None = None
    assessments: list[models.Model] = field(default_factory=list)
    decision: models.Model | None = None

    @property
    def statements(self) -> dict[int, str]:
        """Requirement id -> statement, to name what each assessment is about."""
        return {item.id: item.statement for item in self.requirements}


@dataclass
class OrderSnapshot:
    at: dt.datetime
    order: models.Model | None
    customer: models.Model | None = None
    revisions: list[models.Model] = field(default_factory=list)
    current: RevisionSnapshot | None = None
    names: dict = field(default_factory=dict)

    @property
    def existed(self) -> bool:
        return self.order is not None


def order_as_of(order_id: int, at: dt.datetime) -> OrderSnapshot:
    """The order's header, revisions, latest revision's requirements, review,
    assessments and decision as recorded at `at` -- a fixed number of queries."""
    order_model = apps.get_model("orders", "Order")
    orders = _state_of(order_model, at, id=order_id)
    if not orders:
        return OrderSnapshot(at=at, order=None)
    order = orders[0]
    customers = _state_of(
        apps.get_model("orders", "Customer"), at, id=order.customer_id
    )
    revisions = sorted(
        _state_of(
            apps.get_model("requirements", "RequirementSet"), at, order_id=order_id
        ),
        key=lambda revision: revision.number,
    )
    snapshot = OrderSnapshot(
        at=at,
        order=order,
        customer=customers[0] if customers else None,
        revisions=revisions,
    )
    if revisions:
        snapshot.current = _revision_as_of(revisions[-1], at)
        _display_values(snapshot.current.requirements)
    snapshot.names = _names(snapshot)
    return snapshot


def _display_values(requirements: list[models.Model]) -> None:
    """Each requirement's value as the record shows it (unit, Yes/No, file name and
    SHA-256), through the one display function. One query for the questions;
    published questions never change, so today's row is the one answered."""
    from orders.formkit import display_value

    question_ids = {item.question_id for item in requirements} - {None}
    questions = apps.get_model("orders", "Question").objects.in_bulk(question_ids)
    for item in requirements:
        item.shown = display_value(questions.get(item.question_id), item.value)


def _revision_as_of(revision: models.Model, at: dt.datetime) -> RevisionSnapshot:
    requirement = apps.get_model("requirements", "Requirement")
    review_model = apps.get_model("reviews", "Review")
    current = RevisionSnapshot(
        revision=revision,
        requirements=sorted(
            _state_of(requirement, at, requirement_set_id=revision.id),
            key=lambda item: (item.position, item.id),
        ),
    )
    reviews = _state_of(review_model, at, requirement_set_id=revision.id)
    if reviews:
        current.review = reviews[0]
        current.assessments = sorted(
            _state_of(
                apps.get_model("reviews", "Assessment"), at, review_id=current.review.id
            ),
            key=lambda item: (item.discipline_id, item.requirement_id, item.id),
        )
        decisions = _state_of(
            apps.get_model("reviews", "Decision"), at, review_id=current.review.id
        )
        current.decision = decisions[0] if decisions else None
    return current


def _names(snapshot: OrderSnapshot) -> dict[str, dict]:
    """Users and disciplines named in the snapshot, each fetched in one query."""
    user_ids = {snapshot.order.entered_by_id}
    discipline_ids = set()
    if snapshot.current:
        for item in snapshot.current.requirements:
            discipline_ids.add(item.discipline_id)
        for item in snapshot.current.assessments:
            user_ids.add(item.assessed_by_id)
            discipline_ids.add(item.discipline_id)
        if snapshot.current.decision:
            user_ids.add(snapshot.current.decision.decided_by_id)
    user_ids.discard(None)
    discipline = apps.get_model("orders", "Discipline")
    return {
        "users": get_user_model().objects.in_bulk(user_ids),
        "disciplines": discipline.objects.in_bulk(discipline_ids),
    }
