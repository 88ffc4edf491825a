"""One object's history as field differences, and an order as it stood at a moment.

Both read history rows only: what the auditor sees is what was recorded then, not
what the live tables say now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import models

from audit.registry import history_model
from audit.selectors import CHANGE_TYPES
from orders.models import Customer, Discipline, Order, Question
from orders.orderforms.answers import display_value
from requirements.models import Requirement, RequirementSet
from reviews.models import Assessment, Decision, Review


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
        # A slot created with an earlier verdict was not assessed by whoever
        # submitted the change: say so (the assessor is in its fields).
        if self.record.history_type == "+" and getattr(
            self.record, "carried_from_id", None
        ):
            return "Created with a verdict carried forward"
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
    """The object's history rows, newest first, each with what it changed: one
    query, plus one per kind of related object its foreign keys name."""
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
    _name_related(model, entries)
    entries.reverse()
    return entries


def _name_related(model: type[models.Model], entries: list[HistoryEntry]) -> None:
    """Foreign keys read "Acme Ltd (#5)", not "5": one query per related model."""
    fields = {
        f.attname: f.related_model
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey)
    }
    wanted: dict[type[models.Model], set[object]] = {}
    for entry in entries:
        for change in entry.changes:
            if change.name in fields:
                ids = wanted.setdefault(fields[change.name], set())
                ids.update(v for v in (change.old, change.new) if v is not None)
    if not wanted:
        return
    # select_related(): names like "Form v2" read their non-null parents too.
    names = {
        related: related._default_manager.select_related().in_bulk(ids)
        for related, ids in wanted.items()
        if ids
    }

    def named(related: type[models.Model], value: object) -> object:
        if value is None:
            return None
        found = names.get(related, {}).get(value)
        return f"{found} (#{value})" if found is not None else f"#{value}"

    for entry in entries:
        entry.changes = [
            FieldChange(
                c.name,
                c.label,
                named(fields[c.name], c.old),
                named(fields[c.name], c.new),
            )
            if c.name in fields
            else c
            for c in entry.changes
        ]


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
    orders = _state_of(Order, at, id=order_id)
    if not orders:
        return OrderSnapshot(at=at, order=None)
    order = orders[0]
    customers = _state_of(Customer, at, id=order.customer_id)
    revisions = sorted(
        _state_of(RequirementSet, at, order_id=order_id),
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
    question_ids = {item.question_id for item in requirements} - {None}
    questions = Question.objects.in_bulk(question_ids)
    for item in requirements:
        item.shown = display_value(questions.get(item.question_id), item.value)


def _revision_as_of(revision: models.Model, at: dt.datetime) -> RevisionSnapshot:
    current = RevisionSnapshot(
        revision=revision,
        requirements=sorted(
            _state_of(Requirement, at, requirement_set_id=revision.id),
            key=lambda item: (item.position, item.id),
        ),
    )
    reviews = _state_of(Review, at, requirement_set_id=revision.id)
    if reviews:
        current.review = reviews[0]
        current.assessments = sorted(
            _state_of(Assessment, at, review_id=current.review.id),
            key=lambda item: (item.discipline_id, item.requirement_id, item.id),
        )
        decisions = _state_of(Decision, at, review_id=current.review.id)
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
    return {
        "users": get_user_model().objects.in_bulk(user_ids),
        "disciplines": Discipline.objects.in_bulk(discipline_ids),
    }
