"""Writes on requirement revisions: intake drafts, staff additions, submission.

Revision 1 is the intake; later revisions (change orders, raised and discarded in
requirements.change_orders) reuse revision_create, revision_answers_save and
revision_submit.
"""

import datetime
import secrets
from collections.abc import Mapping
from typing import Any, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from orderreview import events
from orderreview.history import attribute
from orderreview.models import User
from orders import services as order_services
from orders.models import (
    Channel,
    Discipline,
    Order,
    OrderFormVersion,
    PortalLink,
    Question,
    RequirementCategory,
)
from orders.orderforms import lines
from orders.orderforms.answers import (
    questions_visible,
)
from requirements import change_notifications, quote_differences, selectors
from requirements.answer_storage import answers_stored
from requirements.diff import RevisionDiff
from requirements.models import Requirement, RequirementSet

# Staff-added requirements sort after the form's questions.
STAFF_POSITION_BASE = 10_000


def _blank(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def locked_draft(revision: RequirementSet) -> RequirementSet:
    """The revision, row-locked for a change; refused once it was submitted."""
    revision = (
        RequirementSet.objects.select_for_update()
        .select_related("order__form_version")
        .get(pk=revision.pk)
    )
    if revision.state != RequirementSet.State.DRAFT:
        raise ValidationError("This requirement revision was already submitted.")
    return revision


@transaction.atomic
def revision_create(
    *,
    order: Order,
    user: User | None,
    answers: Mapping[str, Any] | None = None,
    reason: str = "",
    channel: str = "",
    requested_by: str = "",
    public: bool = False,
    documented_statement: bool | None = None,
) -> RequirementSet:
    """The next draft revision of an order (1 at intake).

    public: the answers come from someone without an account (public upload policy).
    documented_statement: whether a change came in writing (None for revision 1,
    whose order's header says).
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.revisions.filter(state=RequirementSet.State.DRAFT).exists():
        raise ValidationError("This order already has a draft revision.")
    last = order.revisions.aggregate(last=Max("number"))["last"] or 0
    revision = RequirementSet(
        order=order,
        number=last + 1,
        answers=answers_stored(order, answers or {}, public=public),
        reason=reason,
        channel=channel,
        requested_by=requested_by,
        created_by=user,
        documented_statement=documented_statement if last else None,
    )
    attribute(revision, user=user)
    revision.save()
    if revision.number == 1:
        order_services.order_mapped_answers_apply(
            order=order, user=user, answers=revision.answers
        )
    return revision


@transaction.atomic
def intake_start(
    *,
    user: User | None,
    form_version: OrderFormVersion,
    answers: Mapping[str, Any] | None = None,
    **header: Unpack[order_services.OrderHeader],
) -> RequirementSet:
    """A draft order (number from the sequence) with its draft revision 1.

    A header date or reference the form asks for itself becomes that question's
    answer (unless answered), so what was typed in the header is not lost.
    """
    answers = dict(answers or {})
    mapped = order_services.mapped_fields(form_version)
    for target, value in (
        (Question.MapsTo.REQUESTED_DATE, header.get("requested_date")),
        (
            Question.MapsTo.CUSTOMER_REFERENCE,
            header.get("customer_reference", "").strip(),
        ),
    ):
        question = mapped.get(target)
        if question is not None and value and question.key not in answers:
            answers[question.key] = (
                value.isoformat() if isinstance(value, datetime.date) else value
            )
    order = order_services.order_create(user=user, form_version=form_version, **header)
    return revision_create(order=order, user=user, answers=answers)


def _contact_into_mapped_answers(
    form_version: OrderFormVersion, contact: Mapping[str, str], answers: Mapping
) -> dict[str, Any]:
    """The visitor's reference and e-mail, typed once beside their name, also answer
    the questions mapped onto those header facts when left empty: the answer is the
    header's one source, so otherwise the reference would be blanked at once."""
    answers = dict(answers)
    mapped = order_services.mapped_fields(form_version)
    for target, field in (
        (Question.MapsTo.CUSTOMER_REFERENCE, "reference"),
        (Question.MapsTo.CONTACT_EMAIL, "email"),
    ):
        question = mapped.get(target)
        if (
            question is not None
            and not answers.get(question.key)
            and contact.get(field)
        ):
            answers[question.key] = contact[field]
    return answers


@transaction.atomic
def catalog_request_create(
    *,
    form_version: OrderFormVersion,
    contact: Mapping[str, str],
    answers: Mapping[str, Any],
) -> RequirementSet:
    """A visitor's request from the public catalog: a draft for staff to confirm.

    It points at the placeholder customer until staff name the real one.
    """
    answers = _contact_into_mapped_answers(form_version, contact, answers)
    order = order_services.order_create(
        user=None,
        form_version=form_version,
        channel=Channel.WEB_PORTAL,
        customer=order_services.catalog_customer(),
        customer_reference=contact.get("reference", ""),
        documented_statement=True,
        customer_to_confirm=True,
        contact_details=contact,
    )
    requester = ", ".join(
        part for part in (contact.get("name"), contact.get("company")) if part
    )
    revision = revision_create(
        order=order,
        user=None,
        answers=answers,
        channel=Channel.WEB_PORTAL,
        requested_by=requester[:200],
        public=True,
    )
    # The requester gets their reference by e-mail at once (communications listens).
    events.catalog_request_received.send(sender=Order, order=order)
    return revision


@transaction.atomic
def revision_file_answer_save(
    *,
    revision: RequirementSet,
    user: User | None,
    key: str,
    upload: Any,
    line: str | None = None,
) -> RequirementSet:
    """One file answer (line given: that line's) set on a draft, every other answer
    as stored at that moment: the draft is locked before its answers are read, so
    two uploads at once (one per line, say) or an edit between them both stay."""
    revision = locked_draft(revision)
    if line is None:
        answers = {**revision.answers, key: upload}
    elif line in lines.line_sections_of(revision.answers):
        answers = lines.entry_answer_set(revision.answers, line, key, upload)
    else:
        raise ValidationError(f"The draft has no line {line[:20]} any more.")
    return revision_answers_save(revision=revision, user=user, answers=answers)


@transaction.atomic
def revision_answers_save(
    *,
    revision: RequirementSet,
    user: User | None,
    answers: Mapping[str, Any],
    public: bool = False,
) -> RequirementSet:
    """Keep a draft's answers as typed (complete or not): nothing typed is lost.

    Files are checked before they are stored (public: the portal's stricter policy);
    a refused file raises ValidationError keyed by its question and stores nothing.
    """
    revision = locked_draft(revision)
    revision.answers = answers_stored(
        revision.order, answers, public=public, earlier=revision.answers
    )
    attribute(revision, user=user)
    revision.save()
    if revision.number == 1:
        revision.order = order_services.order_mapped_answers_apply(
            order=revision.order, user=user, answers=revision.answers
        )
    return revision


def _completeness_errors(revision: RequirementSet, questions: list) -> list[str]:
    version = revision.order.form_version
    answers = revision.answers
    visible = questions_visible(version, answers)
    missing = [
        question.label
        for question in questions
        if question.key in visible
        and question.required
        and _blank(answers.get(question.key))
    ]
    _outer, groups = lines.split_questions(questions, version.sections.all())
    outer_values = lines.outer_strings(answers)
    for group in groups:
        entries = lines.entries_of(answers, group.name)
        problem = lines.count_problem(group.section, len(entries), complete=True)
        if problem:
            missing.append(problem)
        for entry in entries:
            shown = lines.entry_visible(group, entry["answers"], visible, outer_values)
            label = lines.line_label(group.section, entry["line"])
            missing.extend(
                f"{label} · {question.label}"
                for question in group.questions
                if question.key in shown
                and question.required
                and _blank(entry["answers"].get(question.key))
            )
    return missing


def _change_diff(revision: RequirementSet, questions: list) -> RevisionDiff:
    hand_added = list(
        revision.requirements.filter(source__in=selectors.HAND_ADDED).select_related(
            "discipline"
        )
    )
    new = selectors.answer_requirements(revision, questions) + hand_added
    baseline = selectors.diff_baseline(revision)
    old = selectors.revision_requirements(baseline) if baseline else []
    return selectors.diff_requirements(
        revision=revision, baseline=baseline, new=new, old=old
    )


@transaction.atomic
def revision_submit(*, revision: RequirementSet, user: User | None) -> RequirementSet:
    """Submit a draft revision for review (user None: the customer, via the portal).

    Refused while a required, visible question is unanswered or a catalog request's
    customer is unconfirmed. Creates one Requirement per answered visible question
    (keeping staff-added ones), marks the order awaiting review and sends
    revision_submitted, whose receivers (the review) run in this transaction.
    A change order (revision > 1) must change something while the order is
    accepted, and its affected people get a ChangeNotification each.
    """
    revision = locked_draft(revision)
    order = revision.order
    if order.customer_to_confirm:
        raise ValidationError(
            "Confirm who the customer is before submitting this request."
        )
    version = order.form_version
    questions = sorted(
        version.questions.select_related("discipline"),
        key=lambda q: (q.position, q.pk),
    )
    # Seeded once: the checks, the diff and the requirements below all read them.
    version._prefetched_objects_cache = {
        "questions": questions,
        "sections": list(version.sections.all()),
    }
    missing = _completeness_errors(revision, questions)
    if missing:
        raise ValidationError(
            "These required questions are not answered: " + "; ".join(missing) + "."
        )
    # A change that changes nothing is refused, except while another revision is
    # in review: then it withdraws that revision's changes.
    # A quote's unchanged revision is its renewal: reviewed again.
    if (
        revision.number > 1
        and order.status == Order.Status.ACCEPTED
        and not order.change_in_review
        and not order.is_quote
    ):
        diff = _change_diff(revision, questions)
        if diff.is_empty:
            raise ValidationError(
                "This change order changes nothing: every requirement is the same "
                f"as in revision {diff.baseline.number}. Change an answer or a "
                "requirement, or discard the draft."
            )
    # A revision is submitted once, but a failed earlier attempt must not leave
    # answer-requirements behind: rebuild them from the answers every time.
    revision.requirements.filter(
        source__in=[Requirement.Source.FORM, Requirement.Source.PORTAL]
    ).delete()
    for requirement in selectors.answer_requirements(revision, questions, user):
        attribute(requirement, user=user)
        requirement.save()
    # The header facts mapped onto questions follow the submitted answers (a
    # change order's new delivery date becomes the order's).
    visible_answers = {r.key: r.value for r in revision.requirements.all()}
    order = order_services.order_mapped_answers_apply(
        order=order, user=user, answers=visible_answers
    )
    order = order_services.order_value_apply(
        order=order, user=user, answers=visible_answers
    )
    revision.state = RequirementSet.State.SUBMITTED
    revision.submitted_by = user
    revision.submitted_at = timezone.now()
    attribute(revision, user=user)
    revision.save()
    revision.order = order_services.order_mark_submitted(
        order=order,
        user=user,
        has_baseline=selectors.revision_has_baseline(revision),
    )
    order_services.portal_links_expire(order=order, user=user)
    # An order made from a quote: what differs from it waits to be resolved.
    quote_differences.quote_differences_record(revision=revision, user=user)
    events.revision_submitted.send(sender=RequirementSet, revision=revision)
    if revision.number > 1:
        change_notifications.change_notifications_create(revision=revision)
    return revision


def _hand_requirement_check(*, statement: str, category: str) -> None:
    """The rules for a requirement written by hand, when added and when edited."""
    errors = {}
    if not statement.strip():
        errors["statement"] = "Write the requirement."
    if category not in RequirementCategory.values:
        errors["category"] = "Choose a category."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def requirement_add(
    *,
    revision: RequirementSet,
    user: User,
    statement: str,
    category: str,
    discipline: Discipline,
) -> Requirement:
    """A requirement the form does not ask, added by staff to a draft revision."""
    revision = locked_draft(revision)
    _hand_requirement_check(statement=statement, category=category)
    last = revision.requirements.aggregate(last=Max("position"))["last"] or 0
    requirement = Requirement(
        requirement_set=revision,
        key=f"staff-{secrets.token_hex(4)}",
        statement=statement.strip(),
        value=None,
        category=category,
        discipline=discipline,
        source=Requirement.Source.STAFF,
        position=max(last + 1, STAFF_POSITION_BASE),
        created_by=user,
    )
    attribute(requirement, user=user)
    requirement.save()
    return requirement


@transaction.atomic
def requirement_update(
    *,
    requirement: Requirement,
    user: User,
    statement: str,
    category: str,
    discipline: Discipline,
) -> Requirement:
    """Edit a hand-added requirement of a draft revision (the form's answers are
    edited through the form)."""
    locked_draft(requirement.requirement_set)
    requirement = Requirement.objects.select_for_update().get(pk=requirement.pk)
    if requirement.source not in selectors.HAND_ADDED:
        raise ValidationError(
            "Only requirements added by hand can be edited here; change the form's "
            "answer instead."
        )
    _hand_requirement_check(statement=statement, category=category)
    requirement.statement = statement.strip()
    requirement.category = category
    requirement.discipline = discipline
    attribute(requirement, user=user)
    requirement.save()
    return requirement


@transaction.atomic
def requirement_remove(*, requirement: Requirement, user: User) -> None:
    """Take back a hand-added requirement while its revision is still a draft
    (on a change order this removes it from the order)."""
    locked_draft(requirement.requirement_set)
    if requirement.source not in selectors.HAND_ADDED:
        raise ValidationError(
            "Only requirements added by hand can be removed; change the form's "
            "answer instead."
        )
    attribute(requirement, user=user)
    requirement.delete()


@transaction.atomic
def portal_answers_save(
    *, link: PortalLink, answers: Mapping[str, Any], submit: bool
) -> RequirementSet:
    """The customer saves (or submits) the draft their portal link is for."""
    link = (
        PortalLink.objects.select_for_update().select_related("order").get(pk=link.pk)
    )
    # Checked again under the lock: staff may revoke while the customer types.
    if not link.is_usable(timezone.now()) or link.used_at is not None:
        raise ValidationError("This link is no longer valid.")
    revision = link.order.revisions.get(state=RequirementSet.State.DRAFT)
    revision = revision_answers_save(
        revision=revision, user=None, answers=answers, public=True
    )
    revision.channel = Channel.WEB_PORTAL
    revision.requested_by = revision.requested_by or "Customer (portal link)"
    revision.save()
    if submit:
        revision = revision_submit(revision=revision, user=None)
        order_services.portal_link_mark_used(link=link)
    return revision
