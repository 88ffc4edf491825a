"""The acceptance record as signed: reads for the record page, its PDF and the
verify command.

A signed record shows the values of its signed content, never today's rows: a
customer renamed since is shown under the name that was signed, and apart from it
what changed since. A change that history explains (a customer or a person renamed
through the application) is a legitimate edit; a difference that no history
explains is reported as tampering.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch

from orderreview import events
from orders.models import RequirementCategory
from orders.orderforms.answers import display_value
from orders.orderforms.order_value import order_value_of
from requirements.models import Requirement
from reviews import selectors, signing
from reviews.content_differences import ContentDifference, content_differences
from reviews.models import Assessment, Decision, Review, Signature, StatutoryCheck

# Differences history may explain: (section, field) -> how to look it up.
CUSTOMER_FIELDS = {"customer": "account_code", "customer_name": "name"}
# Header facts a change order's mapped answers may move, each with an order history
# row (the database freezes the rest of the order once it left draft).
ORDER_HEADER_FIELDS = {"requested_date", "customer_reference"}
PERSON_FIELDS = {"submitted_by", "assessed_by", "decided_by", "confirmed_by", "by"}


@dataclass(frozen=True)
class RecordRow:
    """One (requirement, discipline) line of the record, as signed or as shown."""

    key: str
    discipline: str
    statement: str
    category: str
    value: str
    verdict: str
    note: str
    assessed_by: str
    assessed_at: datetime | None
    carried: bool


@dataclass(frozen=True)
class StatutoryRow:
    """One statutory or regulatory check of the record, as signed or as shown."""

    reference: str
    title: str
    discipline: str
    state: str
    note: str
    by: str
    at: datetime | None


def statutory_rows(
    content: dict[str, Any], disciplines: dict[str, str]
) -> list[StatutoryRow]:
    """The record's statutory checks from a content (none before format 3)."""
    states = _labels(StatutoryCheck.State.choices)
    return [
        StatutoryRow(
            reference=item.get("reference", ""),
            title=item.get("title", ""),
            discipline=disciplines.get(item.get("discipline"), item.get("discipline")),
            state=states.get(item.get("state", ""), item.get("state", "")),
            note=item.get("note", ""),
            by=_person(item.get("by")),
            at=_when(item.get("at")),
        )
        for item in content.get("statutory", [])
    ]


@dataclass(frozen=True)
class Change:
    """One difference between the signed content and today's rows."""

    difference: ContentDifference
    # How history explains it ("renamed by Ann Lee on 2026-11-30 10:04 UTC"), or
    # "" when nothing does: then it is tampering.
    explained_by: str = ""

    @property
    def legitimate(self) -> bool:
        return bool(self.explained_by)


@dataclass(frozen=True)
class RecordContent:
    """What the record shows: the signed content when there is one."""

    signed: bool
    content: dict[str, Any]
    rows: list[RecordRow]
    changes: list[Change] = field(default_factory=list)
    disciplines: dict[str, str] = field(default_factory=dict)
    # What the order is worth by these requirements ("1,234.50 EUR"), "" unknown.
    value: str = ""

    @property
    def order(self) -> dict[str, Any]:
        return self.content.get("order", {})

    @property
    def revision(self) -> dict[str, Any]:
        return self.content.get("revision", {})

    @property
    def decision(self) -> dict[str, Any] | None:
        return self.content.get("decision")

    @property
    def statutory(self) -> list[StatutoryRow]:
        return statutory_rows(self.content, self.disciplines)

    @property
    def legitimate_changes(self) -> list[Change]:
        return [c for c in self.changes if c.legitimate]

    @property
    def unexplained_changes(self) -> list[Change]:
        return [c for c in self.changes if not c.legitimate]


def _when(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _person(value: object) -> str:
    return value.get("printed_name", "") if isinstance(value, dict) else ""


def _labels(choices: Iterable[tuple[str, str]]) -> dict[str, str]:
    return dict(choices)


def record_rows(
    content: dict[str, Any],
    disciplines: dict[str, str],
    questions: dict[str, Any] | None = None,
) -> list[RecordRow]:
    """The record's lines from a content (signed or live), grouped by discipline.

    disciplines maps slug -> name. A format 1 content has no display text: its
    value is shown through the display function with the requirement's question
    (questions maps key -> Question; published questions never change)."""
    questions = questions or {}
    requirements = {r["key"]: r for r in content.get("requirements", [])}
    categories = _labels(RequirementCategory.choices)
    verdicts = _labels(Assessment.Verdict.choices)
    rows = []
    for item in content.get("assessments", []):
        requirement = requirements.get(item["requirement"], {})
        value = requirement.get("display")
        if value is None:
            value = display_value(
                questions.get(item["requirement"]), requirement.get("value")
            )
        rows.append(
            RecordRow(
                key=item["requirement"],
                discipline=disciplines.get(item["discipline"], item["discipline"]),
                statement=requirement.get("statement", item["requirement"]),
                category=categories.get(requirement.get("category", ""), ""),
                value=value,
                verdict=verdicts.get(item.get("verdict", ""), item.get("verdict", "")),
                note=item.get("note", ""),
                assessed_by=_person(item.get("assessed_by")),
                assessed_at=_when(item.get("assessed_at")),
                carried=item.get("carried_from") is not None,
            )
        )
    return sorted(rows, key=lambda r: r.discipline)


def _customer_change(order: Any, name: str, difference: Any, since: datetime) -> str:
    """Who changed a customer field to its current value after signing, if anyone."""
    records = order.customer.history.filter(history_date__gt=since).order_by(
        "history_date", "history_id"
    )
    for record in records.select_related("history_user"):
        if str(getattr(record, name)) == difference.after:
            who = record.history_user.printed_name if record.history_user else "—"
            return (
                f"changed by {who} on {record.history_date:%Y-%m-%d %H:%M} UTC "
                "(customer history)"
            )
    return ""


def _order_change(order: Any, difference: Any, since: datetime) -> str:
    """Who moved a header fact (a later revision's mapped answer) to its current
    value after signing, if the order's history says so."""
    records = order.history.filter(history_date__gt=since).order_by(
        "history_date", "history_id"
    )
    for record in records.select_related("history_user"):
        value = getattr(record, difference.field)
        if (str(value) if value not in (None, "") else "—") == difference.after:
            who = record.history_user.printed_name if record.history_user else "—"
            reason = (
                f": {record.history_change_reason}"
                if record.history_change_reason
                else ""
            )
            return (
                f"changed by {who} on {record.history_date:%Y-%m-%d %H:%M} UTC "
                f"(order history{reason})"
            )
    return ""


def _person_change(difference: Any, signed_value: Any, since: datetime) -> str:
    """A signed person's printed name changed later through their account."""
    if not isinstance(signed_value, dict) or "username" not in signed_value:
        return ""
    user = get_user_model().objects.filter(username=signed_value["username"]).first()
    if user is None or f"{user.printed_name} ({user.username})" != difference.after:
        return ""
    record = (
        user.history.filter(history_date__gt=since)
        .select_related("history_user")
        .order_by("history_date", "history_id")
        .first()
    )
    if record is None:
        return ""
    who = record.history_user.printed_name if record.history_user else "—"
    return (
        f"renamed by {who} on {record.history_date:%Y-%m-%d %H:%M} UTC "
        "(account history)"
    )


def _signed_value(content: dict[str, Any], difference: Any) -> Any:
    """The signed person dict behind a person-field difference (first match)."""
    if difference.section in ("order", "revision", "decision", "confirmation"):
        return (content.get(difference.section) or {}).get(difference.field)
    for item in [*content.get("assessments", []), *content.get("statutory", [])]:
        if _text_person(item.get(difference.field)) == difference.before:
            return item.get(difference.field)
    return None


def _text_person(value: Any) -> str:
    if isinstance(value, dict) and "printed_name" in value:
        return f"{value['printed_name']} ({value.get('username', '')})"
    return ""


def readable(difference: ContentDifference) -> ContentDifference:
    """A difference as a person reads it: verdicts and outcomes by their labels
    ("Can meet with conditions"), not their stored codes."""
    labels = {
        "verdict": _labels(Assessment.Verdict.choices),
        "state": _labels(StatutoryCheck.State.choices),
        "outcome": _labels(Decision.Outcome.choices),
    }.get(difference.field)
    if not labels:
        return difference
    return replace(
        difference,
        before=labels.get(difference.before, difference.before),
        after=labels.get(difference.after, difference.after),
    )


def explain(
    differences: list[ContentDifference],
    *,
    content: dict[str, Any],
    order: Any,
    since: datetime,
) -> list[Change]:
    """Each difference with the legitimate edit in history that explains it."""
    changes = []
    for difference in differences:
        why = ""
        if difference.section == "order" and difference.field in CUSTOMER_FIELDS:
            why = _customer_change(
                order, CUSTOMER_FIELDS[difference.field], difference, since
            )
        elif difference.section == "order" and difference.field in ORDER_HEADER_FIELDS:
            why = _order_change(order, difference, since)
        elif difference.field in PERSON_FIELDS:
            signed_value = _signed_value(content, difference)
            why = _person_change(difference, signed_value, since)
        changes.append(Change(difference=readable(difference), explained_by=why))
    return changes


def _discipline_names(review: Review) -> dict[str, str]:
    """Slug -> name of the disciplines the review's prefetched rows name (no
    query); a slug found nowhere is shown as the slug."""
    names = {r.discipline.slug: r.discipline.name for r in _requirements(review)}
    names.update(
        {a.discipline.slug: a.discipline.name for a in review.assessments.all()}
    )
    names.update(
        {c.discipline.slug: c.discipline.name for c in review.statutory_checks.all()}
    )
    return names


def _requirements(review: Review) -> list[Requirement]:
    return list(review.requirement_set.requirements.all())


def _questions(review: Review) -> dict[str, Any]:
    return {r.key: r.question for r in _requirements(review) if r.question is not None}


QUOTE_ACCEPTED = "Quote reviewed, capability confirmed"
QUOTE_REJECTED = "Quote reviewed, not offered"


def decision_wording(order: Any, decision: Any) -> str:
    """The decision as the record says it: a quote's acceptance commits to no
    supply, it says the capability to supply what is quoted was confirmed."""
    if decision is None:
        return ""
    if order.is_quote:
        accepted = decision.outcome == Decision.Outcome.ACCEPT
        return QUOTE_ACCEPTED if accepted else QUOTE_REJECTED
    return decision.get_outcome_display()


def _value(content: dict[str, Any], review: Review) -> str:
    """The order's value by the content's (signed) requirement values and its
    form's value setting: what was agreed, not today's Order.value."""
    answers = {
        req.get("key"): req.get("value")
        for req in content.get("requirements", [])
        if isinstance(req, dict)
    }
    money = order_value_of(review.order.form_version, answers)
    return str(money) if money else ""


def record_content(review: Review, signature: Signature | None) -> RecordContent:
    """The record of a review: the signed content and what changed since when it
    is signed, else what the rows say now (preview of what would be signed)."""
    disciplines = _discipline_names(review)
    questions = _questions(review)
    decision = getattr(review, "decision", None)
    if signature is None or decision is None:
        content = signing.review_content_to_sign(review)
        return RecordContent(
            signed=False,
            content=content,
            rows=record_rows(content, disciplines, questions),
            disciplines=disciplines,
            value=_value(content, review),
        )
    live = signing.review_content(
        review, decision, content_format=signature.content_format
    )
    differences = content_differences(signature.content, live)
    changes = explain(
        differences,
        content=signature.content,
        order=review.order,
        since=signature.signed_at,
    )
    return RecordContent(
        signed=True,
        content=signature.content,
        rows=record_rows(signature.content, disciplines, questions),
        changes=changes,
        disciplines=disciplines,
        value=_value(signature.content, review),
    )


@dataclass(frozen=True)
class ContentProblem:
    """A signature whose content no longer matches the rows it was made from."""

    signature_pk: int
    record: str
    changes: list[Change]

    @property
    def summary(self) -> str:
        first = self.changes[0].difference
        more = f" and {len(self.changes) - 1} more" if len(self.changes) > 1 else ""
        return (
            f"signature #{self.signature_pk} ({self.record}): {first.label} was "
            f"“{first.before}” when signed, is “{first.after}” now, and no history "
            f"explains it{more}"
        )


def _reviews_with_content(review_ids: list[int]) -> dict[int, Review]:
    queryset = Review.objects.select_related(
        "order__customer",
        "requirement_set__submitted_by",
        "decision__decided_by",
        *selectors.CONFIRMATION,
    ).prefetch_related(
        Prefetch(
            "requirement_set__requirements",
            queryset=Requirement.objects.select_related("discipline", "question"),
        ),
        Prefetch(
            "assessments",
            queryset=Assessment.objects.select_related(
                "requirement", "discipline", "assessed_by"
            ),
        ),
        selectors.statutory_checks_signed(),
    )
    return queryset.in_bulk(review_ids)


def disposed_orders() -> dict[int, str]:
    """Orders disposed of under retention, by id, each with the note that names
    the disposal ("SO-... : disposed on ..., approved by ..."): asked of the app
    that keeps disposals through a domain event (it sits above this one)."""
    notes: dict[int, str] = {}
    for _, answer in events.disposed_orders_asked.send(sender=Signature):
        notes.update(answer or {})
    return notes


def content_problems(batch_size: int = 200) -> Iterator[ContentProblem]:
    """Recompute every signature's content from today's rows, in chain order, and
    yield each one that differs in a way no history explains. A constant number of
    queries per batch of signatures (plus the history look-ups of differences).
    Orders disposed of under retention are compared too: disposal removes files and
    contact details, which no signed content holds, so a difference there is
    tampering like anywhere else (the disposal is named beside it)."""
    signatures = Signature.objects.select_related("decision").order_by("pk")
    batch: list[Signature] = []
    for signature in signatures.iterator(chunk_size=batch_size):
        batch.append(signature)
        if len(batch) == batch_size:
            yield from _batch_problems(batch)
            batch = []
    if batch:
        yield from _batch_problems(batch)


def _batch_problems(batch: list[Signature]) -> Iterator[ContentProblem]:
    reviews = _reviews_with_content([s.decision.review_id for s in batch])
    for signature in batch:
        review = reviews[signature.decision.review_id]
        name = f"{review.order.number} rev. {review.requirement_set.number}"
        if signing.content_format_of(signature.content) != signature.content_format:
            difference = ContentDifference(
                "format",
                "Content format",
                "format",
                str(signing.content_format_of(signature.content)),
                str(signature.content_format),
            )
            yield ContentProblem(signature.pk, name, [Change(difference)])
            continue
        live = signing.review_content(
            review, review.decision, content_format=signature.content_format
        )
        differences = content_differences(signature.content, live)
        if not differences and signing.content_hash(live) == signature.content_hash:
            continue
        changes = explain(
            differences,
            content=signature.content,
            order=review.order,
            since=signature.signed_at,
        )
        unexplained = [c for c in changes if not c.legitimate]
        if unexplained or not differences:
            yield ContentProblem(
                signature.pk,
                name,
                unexplained
                or [
                    Change(
                        ContentDifference(
                            "content",
                            "Signed content",
                            "",
                            signature.content_hash,
                            signing.content_hash(live),
                        )
                    )
                ],
            )
