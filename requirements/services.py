"""Writes on requirement revisions: intake drafts, staff additions, submission.

Revision 1 is the intake; later revisions (change orders) reuse revision_create,
revision_answers_save and revision_submit.
"""

import datetime
import secrets
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from orderreview import events
from orderreview.models import User
from orders import services as order_services
from orders.formkit import questions_visible, store_upload
from orders.models import (
    Channel,
    Customer,
    Discipline,
    Order,
    OrderFormVersion,
    PortalLink,
    RequirementCategory,
)
from requirements.models import Requirement, RequirementSet

# Staff-added requirements sort after the form's questions.
STAFF_POSITION_BASE = 10_000


def _blank(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _stored(order: Order, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers as JSON: uploaded files are saved and replaced by their description."""
    result: dict[str, Any] = {}
    for key, value in answers.items():
        if isinstance(value, UploadedFile):
            value = store_upload(order_number=order.number, key=key, upload=value)
        result[key] = value
    return result


def _locked_draft(revision: RequirementSet) -> RequirementSet:
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
) -> RequirementSet:
    """The next draft revision of an order (1 at intake)."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.revisions.filter(state=RequirementSet.State.DRAFT).exists():
        raise ValidationError("This order already has a draft revision.")
    last = order.revisions.aggregate(last=Max("number"))["last"] or 0
    revision = RequirementSet(
        order=order,
        number=last + 1,
        answers=_stored(order, answers or {}),
        reason=reason,
        channel=channel,
        requested_by=requested_by,
        created_by=user,
    )
    revision._history_user = user
    revision.save()
    return revision


@transaction.atomic
def intake_start(
    *,
    user: User | None,
    form_version: OrderFormVersion,
    channel: str,
    customer: Customer | None = None,
    new_customer: Mapping[str, str] | None = None,
    customer_reference: str = "",
    requested_date: datetime.date | None = None,
    documented_statement: bool = True,
    answers: Mapping[str, Any] | None = None,
) -> RequirementSet:
    """A draft order (number from the sequence) with its draft revision 1."""
    order = order_services.order_create(
        user=user,
        form_version=form_version,
        channel=channel,
        customer=customer,
        new_customer=new_customer,
        customer_reference=customer_reference,
        requested_date=requested_date,
        documented_statement=documented_statement,
    )
    return revision_create(order=order, user=user, answers=answers)


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
    return revision_create(
        order=order,
        user=None,
        answers=answers,
        channel=Channel.WEB_PORTAL,
        requested_by=requester[:200],
    )


@transaction.atomic
def revision_answers_save(
    *, revision: RequirementSet, user: User | None, answers: Mapping[str, Any]
) -> RequirementSet:
    """Keep a draft's answers as typed (complete or not): nothing typed is lost."""
    revision = _locked_draft(revision)
    revision.answers = _stored(revision.order, answers)
    revision._history_user = user
    revision.save()
    return revision


def _completeness_errors(revision: RequirementSet, questions: list) -> list[str]:
    visible = questions_visible(revision.order.form_version, revision.answers)
    return [
        question.label
        for question in questions
        if question.key in visible
        and question.required
        and _blank(revision.answers.get(question.key))
    ]


@transaction.atomic
def revision_submit(*, revision: RequirementSet, user: User | None) -> RequirementSet:
    """Submit a draft revision for review (user None: the customer, via the portal).

    Refused while a required, visible question is unanswered or a catalog request's
    customer is unconfirmed. Creates one Requirement per answered visible question
    (keeping staff-added ones), marks the order awaiting review and sends
    revision_submitted, whose receivers (the review) run in this transaction.
    """
    revision = _locked_draft(revision)
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
    version._prefetched_objects_cache = {"questions": questions}
    missing = _completeness_errors(revision, questions)
    if missing:
        raise ValidationError(
            "These required questions are not answered: " + "; ".join(missing) + "."
        )
    visible = questions_visible(version, revision.answers)
    from_customer = revision.channel == Channel.WEB_PORTAL
    source = Requirement.Source.PORTAL if from_customer else Requirement.Source.FORM
    # A revision is submitted once, but a failed earlier attempt must not leave
    # answer-requirements behind: rebuild them from the answers every time.
    revision.requirements.filter(
        source__in=[Requirement.Source.FORM, Requirement.Source.PORTAL]
    ).delete()
    for question in questions:
        value = revision.answers.get(question.key)
        if question.key not in visible or _blank(value):
            continue
        requirement = Requirement(
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
        requirement._history_user = user
        requirement.save()
    revision.state = RequirementSet.State.SUBMITTED
    revision.submitted_by = user
    revision.submitted_at = timezone.now()
    revision._history_user = user
    revision.save()
    revision.order = order_services.order_mark_submitted(order=order, user=user)
    events.revision_submitted.send(sender=RequirementSet, revision=revision)
    return revision


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
    revision = _locked_draft(revision)
    errors = {}
    if not statement.strip():
        errors["statement"] = "Write the requirement."
    if category not in RequirementCategory.values:
        errors["category"] = "Choose a category."
    if errors:
        raise ValidationError(errors)
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
    requirement._history_user = user
    requirement.save()
    return requirement


@transaction.atomic
def requirement_remove(*, requirement: Requirement, user: User) -> None:
    """Take back a staff-added requirement while its revision is still a draft."""
    _locked_draft(requirement.requirement_set)
    if requirement.source != Requirement.Source.STAFF:
        raise ValidationError("Only requirements added by staff can be removed.")
    requirement._history_user = user
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
    revision = revision_answers_save(revision=revision, user=None, answers=answers)
    revision.channel = Channel.WEB_PORTAL
    revision.requested_by = revision.requested_by or "Customer (portal link)"
    revision.save()
    if submit:
        revision = revision_submit(revision=revision, user=None)
        order_services.portal_link_mark_used(link=link)
    return revision
