"""Writes to order forms: create, draft, edit questions, publish, retire, import.

Every change to a version's questions is checked with the same rules the JSON import
uses (orders.orderforms.document_checks), on the whole version, inside the transaction;
published and retired versions are refused here with a readable message before the
database trigger would refuse them too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone

from orders.models import (
    Discipline,
    FormSection,
    OrderForm,
    OrderFormVersion,
    Question,
)
from orders.orderforms import document_checks, json_io, sections
from orders.orderforms.order_value import value_setting_problems

Status = OrderFormVersion.Status


def _disciplines() -> dict[str, Discipline]:
    return {d.slug: d for d in Discipline.objects.all()}


def _locked(version: OrderFormVersion) -> OrderFormVersion:
    """The version row, locked until the transaction ends, refreshed."""
    return (
        OrderFormVersion.objects.select_for_update()
        .select_related("form")
        .get(pk=version.pk)
    )


def _editable(version: OrderFormVersion) -> OrderFormVersion:
    locked = _locked(version)
    if locked.status != Status.DRAFT:
        raise ValidationError(
            f"{locked.form.name} version {locked.number} is "
            f"{locked.get_status_display().lower()} and cannot be changed. "
            "Start a new draft to edit the form."
        )
    return locked


def _version_document(version: OrderFormVersion) -> dict[str, Any]:
    return json_io.version_to_dict(version)


def _check_version(version: OrderFormVersion) -> None:
    """Refuse the change if the version as it now stands has any problem.

    A repeating section none of whose questions is left (moved or removed) is
    dropped first: it no longer names anything."""
    _sections_tidy(version)
    problems = document_checks.problems_in(_version_document(version))
    if problems:
        raise ValidationError(problems)


def _sections_tidy(version: OrderFormVersion) -> None:
    """Drop the section rows no question of the draft names any more."""
    used = set(version.questions.values_list("section", flat=True))
    for orphan in version.sections.exclude(name__in=used):
        orphan.delete()


def _next_number(form: OrderForm) -> int:
    latest = form.versions.aggregate(latest=Max("number"))["latest"]
    return (latest or 0) + 1


def _field_errors(problems: list[tuple[str | None, str]]) -> ValidationError:
    """Problems keyed by question attribute, so forms show them beside the field."""
    errors: dict[str, list[str]] = {}
    for field, message in problems:
        name = {"show_if": "show_if_question", None: "__all__"}.get(field, field)
        errors.setdefault(name, []).append(message[0].upper() + message[1:] + ".")
    return ValidationError(errors)


# --- forms ----------------------------------------------------------------------------


@transaction.atomic
def form_create(
    *, name: str, slug: str, description: str = "", user: Any = None
) -> OrderForm:
    """A new order form with an empty draft version 1."""
    if OrderForm.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"A form with the slug {slug!r} exists."})
    form = OrderForm(name=name.strip(), slug=slug, description=description)
    form.full_clean()
    form.save()
    OrderFormVersion.objects.create(form=form, number=1, created_by=user)
    return form


@transaction.atomic
def form_update(
    *, form: OrderForm, name: str, description: str, active: bool
) -> OrderForm:
    """Name, description and whether new orders may use the form (not versioned)."""
    form = OrderForm.objects.select_for_update().get(pk=form.pk)
    form.name = name.strip()
    form.description = description
    form.active = active
    form.full_clean()
    form.save()
    return form


# --- versions -------------------------------------------------------------------------


@transaction.atomic
def version_start_draft(*, form: OrderForm, user: Any = None) -> OrderFormVersion:
    """A new draft copying the published version (or the latest one) question by
    question. One draft at a time per form, so two admins cannot fork it."""
    form = OrderForm.objects.select_for_update().get(pk=form.pk)
    versions = list(form.versions.order_by("-number"))
    draft = next((v for v in versions if v.status == Status.DRAFT), None)
    if draft is not None:
        raise ValidationError(
            f"Version {draft.number} of {form.name} is already a draft in progress."
        )
    source = next((v for v in versions if v.status == Status.PUBLISHED), None)
    if source is None and versions:
        source = versions[0]
    new = OrderFormVersion.objects.create(
        form=form,
        number=_next_number(form),
        created_by=user,
        value_question=source.value_question if source else "",
        value_quantity_question=source.value_quantity_question if source else "",
    )
    if source is not None:
        for question in source.questions.order_by("position", "pk"):
            question.pk = None
            question.id = None
            question.version = new
            question.save()
        for section in source.sections.all():
            section.pk = None
            section.id = None
            section.version = new
            section.save()
    return new


@transaction.atomic
def version_publish(
    *, version: OrderFormVersion, user: Any, change_note: str
) -> OrderFormVersion:
    """Publish a draft; the version published before it is retired in the same
    transaction, so a form never has two published versions, nor none in between."""
    version = _editable(version)
    OrderForm.objects.select_for_update().get(pk=version.form_id)
    if not change_note.strip():
        raise ValidationError({"change_note": "Say what changed in this version."})
    if not version.questions.exists():
        raise ValidationError("A version needs at least one question to be published.")
    _check_version(version)
    value_problems = value_setting_problems(
        version.questions.all(), version.value_question, version.value_quantity_question
    )
    if value_problems:
        raise ValidationError(
            "The order value setting no longer fits the questions: "
            + " ".join(value_problems.values())
        )
    for previous in version.form.versions.filter(status=Status.PUBLISHED):
        previous.status = Status.RETIRED
        previous.save()
    version.status = Status.PUBLISHED
    version.change_note = change_note.strip()
    version.published_by = user
    version.published_at = timezone.now()
    version.save()
    return version


@transaction.atomic
def version_retire(*, version: OrderFormVersion) -> OrderFormVersion:
    """Stop offering a published version; orders made with it keep it forever."""
    version = _locked(version)
    if version.status != Status.PUBLISHED:
        raise ValidationError(
            f"Only a published version can be retired; version {version.number} "
            f"is {version.get_status_display().lower()}."
        )
    version.status = Status.RETIRED
    version.save()
    return version


@transaction.atomic
def version_discard(*, version: OrderFormVersion) -> None:
    """Throw a draft away (published and retired versions are kept forever)."""
    version = _editable(version)
    try:
        version.questions.all().delete()
        version.delete()
    except ProtectedError:
        raise ValidationError(
            "Orders already use this draft, so it cannot be discarded."
        ) from None


# --- questions ------------------------------------------------------------------------


def _questions_as_documents(
    version: OrderFormVersion, exclude_pk: int | None = None
) -> list[dict[str, Any]]:
    questions = version.questions.select_related("discipline").order_by(
        "position", "pk"
    )
    return [
        json_io.question_to_dict(q, q.discipline.slug)
        for q in questions
        if q.pk != exclude_pk
    ]


def _check_question(
    item: Mapping[str, Any],
    *,
    version: OrderFormVersion,
    before: list[dict[str, Any]],
    others: list[dict[str, Any]],
) -> None:
    disciplines = set(_disciplines())
    problems = document_checks.question_problems(
        item,
        earlier={q["key"]: q for q in before},
        disciplines=disciplines,
        keys={q["key"] for q in others},
    )
    if any(q["key"] == item.get("key") for q in others):
        problems.append(
            ("key", f"another question already has the key {item['key']!r}")
        )
    clash = document_checks.maps_to_clash(item, others)
    if clash:
        problems.append(clash)
    cycle = document_checks.dependency_cycle(item, others)
    if cycle and not problems:
        problems.append(cycle)
    if problems:
        raise _field_errors(problems)


def _apply(question: Question, item: Mapping[str, Any], position: int) -> None:
    fields = json_io.question_fields(item, position)
    for name, value in fields.items():
        setattr(question, name, value)
    question.discipline = Discipline.objects.get(slug=item["discipline"])


@transaction.atomic
def question_add(*, version: OrderFormVersion, item: Mapping[str, Any]) -> Question:
    """Append a question (an import-format dict) to a draft."""
    version = _editable(version)
    existing = _questions_as_documents(version)
    _check_question(item, version=version, before=existing, others=existing)
    position = max((q["position"] for q in existing), default=0) + 1
    question = Question(version=version)
    _apply(question, item, position)
    question.save()
    _check_version(version)
    return question


def _renamed_in_depends_on(
    documents: list[dict[str, Any]], old_key: str, new_key: Any
) -> list[dict[str, Any]]:
    if not isinstance(new_key, str) or new_key == old_key:
        return documents
    return [
        {
            **doc,
            "depends_on": [
                new_key if name == old_key else name
                for name in doc.get("depends_on") or []
            ],
        }
        if old_key in (doc.get("depends_on") or [])
        else doc
        for doc in documents
    ]


@transaction.atomic
def question_update(*, question: Question, item: Mapping[str, Any]) -> Question:
    """Change a question of a draft. Questions whose show-if or depends_on named its
    old key follow the rename, so a rename never silently breaks a rule."""
    version = _editable(question.version)
    question = Question.objects.select_for_update().get(pk=question.pk)
    documents = _questions_as_documents(version)
    index = next(i for i, q in enumerate(documents) if q["key"] == question.key)
    # Checked as the rename leaves them: the others' depends_on follow the new key,
    # so a cycle the rename closes is named beside the field, not after saving.
    documents = _renamed_in_depends_on(documents, question.key, item.get("key"))
    others = documents[:index] + documents[index + 1 :]
    _check_question(item, version=version, before=documents[:index], others=others)
    old_key = question.key
    _apply(question, item, question.position)
    question.save()
    if old_key != question.key:
        for dependant in version.questions.filter(show_if_question=old_key):
            dependant.show_if_question = question.key
            dependant.save()
        for dependant in version.questions.filter(depends_on__contains=[old_key]):
            dependant.depends_on = [
                question.key if name == old_key else name
                for name in dependant.depends_on
            ]
            dependant.save()
    _check_version(version)
    return question


@transaction.atomic
def question_remove(*, question: Question) -> None:
    """Remove a question from a draft, unless another question's show-if uses it."""
    version = _editable(question.version)
    dependants = list(
        version.questions.filter(show_if_question=question.key).values_list(
            "key", flat=True
        )
    )
    if dependants:
        raise ValidationError(
            f"{', '.join(dependants)} show only depending on {question.key}: "
            "change their show-if rule first."
        )
    verdicts_depending = list(
        version.questions.filter(depends_on__contains=[question.key]).values_list(
            "key", flat=True
        )
    )
    if verdicts_depending:
        raise ValidationError(
            f"The verdicts on {', '.join(verdicts_depending)} depend on "
            f"{question.key}: change what they depend on first."
        )
    if question.key in (version.value_question, version.value_quantity_question):
        raise ValidationError(
            f"The order's value is computed from {question.key}: change the "
            "form's order value setting first."
        )
    question.delete()
    _sections_tidy(version)


@transaction.atomic
def question_move(*, question: Question, direction: Literal["up", "down"]) -> None:
    """Swap a question with its neighbour; positions become 1..n. A show-if rule
    must keep pointing at an earlier question, so such a move is refused."""
    version = _editable(question.version)
    questions = list(version.questions.order_by("position", "pk"))
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(questions):
        return
    questions[index], questions[other] = questions[other], questions[index]
    seen: set[str] = set()
    for item in questions:
        if item.show_if_question and item.show_if_question not in seen:
            raise ValidationError(
                f"{item.key} shows only depending on {item.show_if_question}, "
                "which must stay above it."
            )
        seen.add(item.key)
    for position, item in enumerate(questions, start=1):
        if item.position != position:
            item.position = position
            item.save()


# --- import ---------------------------------------------------------------------------


@transaction.atomic
def version_import(
    *,
    data: object,
    user: Any = None,
    publish: bool = False,
    change_note: str = "",
) -> OrderFormVersion:
    """Create a new draft (and the form, if its slug is new) from an export document,
    optionally publishing it. A document with any problem is refused whole, listing
    them all."""
    problems = document_checks.problems_in(data)
    if publish and not change_note.strip():
        problems.append("publishing needs a change note")
    if problems:
        raise ValidationError(problems)
    assert isinstance(data, Mapping)  # problems_in refused anything else
    form = OrderForm.objects.select_for_update().filter(slug=data["slug"]).first()
    if form is None:
        form = OrderForm.objects.create(
            slug=data["slug"],
            name=data["name"].strip(),
            description=data.get("description") or "",
        )
        version = OrderFormVersion.objects.create(form=form, number=1, created_by=user)
    else:
        if form.versions.filter(status=Status.DRAFT).exists():
            raise ValidationError(
                f"{form.name} has a draft in progress: publish or discard it first."
            )
        if (form.name, form.description) != (
            data["name"].strip(),
            data.get("description") or "",
        ):
            form.name = data["name"].strip()
            form.description = data.get("description") or ""
            form.save()
        version = OrderFormVersion.objects.create(
            form=form, number=_next_number(form), created_by=user
        )
    disciplines = _disciplines()
    for index, item in enumerate(document_checks.ordered_questions(data["questions"])):
        position = item.get("position")
        fields = json_io.question_fields(
            item, position if isinstance(position, int) else index + 1
        )
        Question.objects.create(
            version=version, discipline=disciplines[item["discipline"]], **fields
        )
    value = json_io.value_fields(data)
    if value["value_question"]:
        version.value_question = value["value_question"]
        version.value_quantity_question = value["value_quantity_question"]
        version.save(update_fields=["value_question", "value_quantity_question"])
    for item in data.get("sections") or []:
        FormSection.objects.create(version=version, **sections.section_fields(item))
    if publish:
        version = version_publish(version=version, user=user, change_note=change_note)
    return version


# --- sections -------------------------------------------------------------------------


@transaction.atomic
def section_set(*, version: OrderFormVersion, item: Mapping[str, Any]) -> None:
    """Make a section of a draft repeating (or not) with its entry limits and label
    (an import-format section dict). Checked on the whole version like a question."""
    version = _editable(version)
    problems = sections.one_section_problems(item)
    if problems:
        raise _field_errors(problems)
    name = item["name"]
    if not version.questions.filter(section=name).exists():
        raise ValidationError({"name": [f"No question is in the section {name!r}."]})
    fields = sections.section_fields(item)
    if fields["repeating"]:
        row = version.sections.filter(name=name).first() or FormSection(version=version)
        for field, value in fields.items():
            setattr(row, field, value)
        row.save()
    else:
        for row in version.sections.filter(name=name):
            row.delete()
    problems = sections.section_problems(_version_document(version))
    if problems:
        raise ValidationError([p[0].upper() + p[1:] + "." for p in problems])
