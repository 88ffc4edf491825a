"""Reads of requirement revisions shared by the order pages."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    Prefetch,
    Q,
    QuerySet,
)

from orderreview.loading import name_fields, own_fields
from orders.models import Channel, Order, Question, RequirementCategory
from orders.orderforms import lines
from orders.orderforms.answers import (
    answers_typed,
    display_value,
    questions_visible,
)
from requirements.diff import RevisionDiff, diff_requirements
from requirements.models import (
    ChangeNotification,
    Requirement,
    RequirementSet,
    RevisionConfirmation,
)

# Requirements typed by a person rather than derived from the form's answers: a
# change order copies them, and they can be edited or removed while it is a draft.
HAND_ADDED = (Requirement.Source.STAFF, Requirement.Source.REVIEWER)


@dataclass
class CategoryGroup:
    category: str
    label: str
    requirements: list[Requirement]


@dataclass
class DraftAnswer:
    question: Question
    text: str


def revisions_for_order(order: Order) -> list[RequirementSet]:
    """Every revision of an order, oldest first, with what the revision history
    shows: who, why, its review's outcome and who was made aware. Two queries."""
    return list(revision_history(order))[::-1]


def draft_revision(order: Order) -> RequirementSet | None:
    return order.revisions.filter(state=RequirementSet.State.DRAFT).first()


def requirements_by_category(revision: RequirementSet) -> list[CategoryGroup]:
    """A revision's requirements grouped in the order of the categories' choices,
    with what the pages, the API and the quote PDF show of their question (what
    display_value reads) and discipline."""
    requirements = list(
        revision.requirements.select_related("discipline", "question").only(
            *own_fields(Requirement),
            "question__kind",
            "question__choices",
            "question__unit",
            "discipline__name",
            "discipline__slug",
        )
    )
    groups = []
    for value, label in RequirementCategory.choices:
        members = [r for r in requirements if r.category == value]
        if members:
            groups.append(CategoryGroup(value, label, members))
    return groups


def requirement_display(requirement: Requirement) -> str:
    """A requirement's value as a person reads it (orders.formkit.display_value)."""
    return display_value(requirement.question, requirement.value)


def draft_answers(order: Order, revision: RequirementSet) -> list[DraftAnswer]:
    """A draft's answers as text, in question order (staff see what is typed so far),
    with what is shown of their questions: key, label, what display_value reads
    (and the version, which the related manager reads to attach it)."""
    questions = order.form_version.questions.only(
        "version", "key", "label", "kind", "choices", "unit"
    ).order_by("position", "pk")
    return [
        DraftAnswer(q, display_value(q, revision.answers.get(q.key)))
        for q in questions
        if q.key in revision.answers
    ]


def _blank(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def answer_requirements(
    revision: RequirementSet, questions: list[Question] | None = None, user: Any = None
) -> list[Requirement]:
    """The (unsaved) requirements a revision's answers make: one per answered,
    visible question. revision_submit saves them; a draft's diff previews them."""
    version = revision.order.form_version
    if questions is None:
        questions = sorted(
            version.questions.select_related("discipline"),
            key=lambda q: (q.position, q.pk),
        )
    # Drafts saved before answers were stored typed hold text ("5000", "yes").
    answers = answers_typed(questions, revision.answers)
    visible = questions_visible(version, answers)
    from_customer = revision.channel == Channel.WEB_PORTAL
    source = Requirement.Source.PORTAL if from_customer else Requirement.Source.FORM
    outer, groups = lines.split_questions(questions, version.sections.all())
    result = []
    for question in outer:
        value = answers.get(question.key)
        if question.key not in visible or _blank(value):
            continue
        result.append(
            Requirement(
                requirement_set=revision,
                question=question,
                key=question.key,
                statement=question.label,
                value=value,
                category=question.category,
                discipline=question.discipline,
                source=source,
                position=question.position,
                created_by=user,
            )
        )
    if groups:
        result = _line_requirements(
            revision, answers, visible, outer, groups, result, source, user
        )
    return result


def _line_requirements(
    revision: RequirementSet,
    answers: dict[str, Any],
    visible: set[str],
    outer: list[Question],
    groups: list[lines.LineSection],
    once: list[Requirement],
    source: str,
    user: Any,
) -> list[Requirement]:
    """The requirements of a form with lines: each entry's answers, keyed by line
    and question ("L3.thickness"), named for a person ("Line 3 · Thickness"), in
    the order the page shows them (positions count up through the lines)."""
    by_question = {r.key: r for r in once}
    outer_values = lines.outer_strings(answers)
    result: list[Requirement] = []
    position = 0
    pending = list(outer)
    for group in groups:
        first = group.questions[0].position
        while pending and pending[0].position < first:
            position += 1
            requirement = by_question.get(pending.pop(0).key)
            if requirement is not None:
                requirement.position = position
                result.append(requirement)
        for entry in lines.entries_of(answers, group.name):
            line = entry["line"]
            shown = lines.entry_visible(group, entry["answers"], visible, outer_values)
            label = lines.line_label(group.section, line)
            for question in group.questions:
                position += 1
                value = entry["answers"].get(question.key)
                if question.key not in shown or _blank(value):
                    continue
                result.append(
                    Requirement(
                        requirement_set=revision,
                        question=question,
                        key=lines.requirement_key(line, question.key),
                        statement=f"{label} · {question.label}",
                        value=value,
                        category=question.category,
                        discipline=question.discipline,
                        source=source,
                        position=position,
                        created_by=user,
                    )
                )
    for question in pending:
        position += 1
        requirement = by_question.get(question.key)
        if requirement is not None:
            requirement.position = position
            result.append(requirement)
    return result


def revision_requirements(revision: RequirementSet) -> list[Requirement]:
    """A revision's requirements; for a draft, what submitting it would make."""
    if revision.state != RequirementSet.State.DRAFT:
        return list(revision.requirements.select_related("discipline", "question"))
    hand_added = revision.requirements.filter(source__in=HAND_ADDED).select_related(
        "discipline", "question"
    )
    return answer_requirements(revision) + list(hand_added)


# An accepted revision is the agreed baseline unless it was accepted on conditions
# the customer has not agreed to (ISO 9001 8.2.3.1 e). The reviews app's
# CustomerAgreement is followed by name through the revision's review and decision:
# requirements never imports reviews.
AGREED = Q(state=RequirementSet.State.ACCEPTED) & (
    Q(review__decision__agreement__isnull=True)
    | Q(review__decision__agreement__state="agreed")
)


def revision_has_baseline(revision: RequirementSet) -> bool:
    """Whether an earlier revision of the order was accepted (and any conditions
    agreed by the customer): the revision then changes agreed requirements, which
    hold until the change is decided."""
    return (
        RequirementSet.objects.filter(
            order_id=revision.order_id, number__lt=revision.number
        )
        .filter(AGREED)
        .exists()
    )


def diff_baseline(revision: RequirementSet) -> RequirementSet | None:
    """What a revision is compared with: the last agreed revision before it, or,
    while none was agreed, the one just before it. One query."""
    earlier = list(
        RequirementSet.objects.filter(
            order_id=revision.order_id, number__lt=revision.number
        )
        .annotate(agreed=ExpressionWrapper(AGREED, output_field=BooleanField()))
        .order_by("-number")
    )
    accepted = [r for r in earlier if r.agreed]
    if accepted:
        return accepted[0]
    return earlier[0] if earlier else None


def revision_diff(
    revision: RequirementSet, baseline: RequirementSet | None = None
) -> RevisionDiff:
    """Revision n+1 against its baseline (diff_baseline when not given): added,
    removed, changed (old and new) and unchanged requirements."""
    if baseline is None:
        baseline = diff_baseline(revision)
    old = revision_requirements(baseline) if baseline is not None else []
    return diff_requirements(
        revision=revision,
        baseline=baseline,
        new=revision_requirements(revision),
        old=old,
    )


def last_accepted_revision(order: Order) -> RequirementSet | None:
    return order.revisions.filter(AGREED).order_by("-number").first()


def change_source_revision(order: Order) -> RequirementSet | None:
    """What a new change order starts from: the revision in review if there is one
    (the change replaces it), else the last accepted one. A rejected change is not
    a starting point: the order stays on its baseline."""
    return (
        order.revisions.filter(
            state__in=[RequirementSet.State.SUBMITTED, RequirementSet.State.ACCEPTED]
        )
        .order_by("-number")
        .first()
    )


@dataclass(frozen=True)
class HistoryJoin:
    """What a page reads of a higher app's rows with each revision of the history,
    by name (requirements imports neither reviews nor communications): the
    select_related paths, the fields loaded of them, and annotations."""

    related: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    annotations: Mapping[str, Any] = field(default_factory=dict)


# What the revision history (the order page, the API) reads with each revision:
# who raised and submitted it, its decision and who signed it, its customer
# confirmation with who confirmed it and the communication and file it points at.
HISTORY_RELATED = (
    "created_by",
    "submitted_by",
    "review__decision__decided_by",
    "confirmation__confirmed_by",
    "confirmation__communication",
    "confirmation__attachment",
)


def _history_fields() -> tuple[str, ...]:
    """Every column of the revision and of its confirmation; of the joined people
    their names, of the decision its outcome, reasons and time, of the
    communication and file what names and links them (orderreview.loading)."""
    return (
        *own_fields(RequirementSet),
        *name_fields("created_by"),
        *name_fields("submitted_by"),
        "review__decision__outcome",
        "review__decision__reasons",
        "review__decision__decided_at",
        *name_fields("review__decision__decided_by"),
        *own_fields(RevisionConfirmation, "confirmation"),
        *name_fields("confirmation__confirmed_by"),
        "confirmation__communication__subject",
        "confirmation__communication__occurred_at",
        "confirmation__attachment__original_name",
    )


def _notifications() -> Prefetch:
    people = ChangeNotification.objects.select_related("user").only(
        "revision", "acknowledged_at", *name_fields("user")
    )
    return Prefetch(
        "notifications",
        queryset=people.order_by(
            "user__last_name", "user__first_name", "user__username"
        ),
    )


def revision_history(
    order: Order, join: HistoryJoin | None = None
) -> list[RequirementSet]:
    """Every revision of an order, newest first, with who, why, its review's
    outcome and the acknowledgement counts of its notifications. Two queries.

    The review and decision are the reviews app's reverse relations, followed by
    name: requirements never imports reviews (orders <- requirements <- reviews).
    A page that shows more of them passes a join (reviews.order_panel).

    The counts are taken from the prefetched notifications: as COUNT annotations
    they grouped by every column of the seven joined tables, which cost more to
    compile and run than the rest of the order page's queries together."""
    join = join or HistoryJoin()
    found = order.revisions.select_related(*HISTORY_RELATED, *join.related).only(
        *_history_fields(), *join.fields
    )
    if join.annotations:
        found = found.annotate(**join.annotations)
    revisions = list(found.prefetch_related(_notifications()).order_by("-number"))
    for revision in revisions:
        notifications = revision.notifications.all()
        revision.notified = len(notifications)
        revision.acknowledged = sum(
            1 for n in notifications if n.acknowledged_at is not None
        )
    return revisions


def notifications_for(user: Any) -> QuerySet[ChangeNotification]:
    """A person's change notifications, unacknowledged first, newest first."""
    return (
        ChangeNotification.objects.filter(user=user)
        .select_related("revision__order__customer", "revision__created_by")
        .order_by("acknowledged_at", "-created_at", "-pk")
    )


def notifications_pending(user: Any, limit: int = 5) -> list[ChangeNotification]:
    """A person's unacknowledged change notifications, newest first: one query."""
    return list(notifications_for(user).filter(acknowledged_at__isnull=True)[:limit])


def unacknowledged_count(user: Any) -> int:
    return ChangeNotification.objects.filter(
        user=user, acknowledged_at__isnull=True
    ).count()


def notifications_of_revision(revision: RequirementSet) -> list[ChangeNotification]:
    """Who was made aware of a change, and whether they acknowledged it."""
    return list(
        revision.notifications.select_related("user").order_by(
            "user__last_name", "user__first_name", "user__username"
        )
    )


def notifications_outstanding(revision: RequirementSet) -> list[ChangeNotification]:
    """Who was told of a change and has not acknowledged it yet (one query). A
    person whose account was deactivated since cannot acknowledge: not counted."""
    return [
        n
        for n in notifications_of_revision(revision)
        if not n.acknowledged_at and n.user.is_active
    ]


@dataclass(frozen=True)
class AcknowledgementAtSigning:
    notification: ChangeNotification
    # Acknowledged before the decision was signed: made aware before commitment.
    in_time: bool


def acknowledgements_at(
    revision: RequirementSet, signed_at: Any
) -> list[AcknowledgementAtSigning]:
    """Who had and had not acknowledged a change when its decision was signed. An
    acknowledgement after signing counts as not had (it is shown with its time)."""
    return [
        AcknowledgementAtSigning(
            notification=n,
            in_time=n.acknowledged_at is not None and n.acknowledged_at <= signed_at,
        )
        for n in notifications_of_revision(revision)
    ]
