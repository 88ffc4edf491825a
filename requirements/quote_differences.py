"""Where an order differs from the quote it was made from (ISO 9001 8.2.3.1 e).

Revision 1 of an order made from a quote is compared with the quote's reviewed
revision, requirement by requirement (requirements.diff, as change orders are):
what was added, removed or changed is recorded as a QuoteDifference when the
revision is submitted, and each must be resolved before the order is accepted.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from orderreview import roles
from orderreview.history import attribute
from orderreview.models import User
from orders.models import Order
from requirements import selectors
from requirements.diff import RevisionDiff, diff_requirements
from requirements.models import QuoteDifference, Requirement, RequirementSet


def quote_reviewed_revision(quote: Order) -> RequirementSet | None:
    """The quote's revision whose review confirmed the capability (its last agreed
    one): what the customer was offered."""
    return selectors.last_accepted_revision(quote)


def quote_diff(revision: RequirementSet) -> RevisionDiff | None:
    """Revision 1 of an order made from a quote against the quote's reviewed
    revision (None for anything else): what "differs from quote"."""
    order = revision.order
    if revision.number != 1 or order.quote_id is None:
        return None
    baseline = quote_reviewed_revision(order.quote)
    if baseline is None:
        return None
    return diff_requirements(
        revision=revision,
        baseline=baseline,
        new=selectors.revision_requirements(revision),
        old=selectors.revision_requirements(baseline),
    )


def _shown(requirement: Requirement | None) -> str:
    return selectors.requirement_display(requirement) if requirement else ""


def _difference(
    change: str, old: Requirement | None, new: Requirement | None
) -> QuoteDifference:
    """The unsaved row saying how one requirement differs from the quote."""
    current = new or old
    return QuoteDifference(
        key=current.key,
        change=change,
        statement=current.statement,
        quote_value=_shown(old),
        order_value=_shown(new),
        # Loaded with the requirements (selectors.revision_requirements).
        discipline=current.discipline,
    )


def quote_differences_record(*, revision: RequirementSet, user: User | None) -> int:
    """Record the differences of a submitted revision 1 from its quote (inside
    revision_submit's transaction). Returns how many."""
    diff = quote_diff(revision)
    if diff is None:
        return 0
    rows = _rows(diff)
    for change, old, new in rows:
        difference = _difference(change, old, new)
        difference.revision = revision
        attribute(difference, user=user, reason="Differs from the quote")
        difference.save()
    return len(rows)


def differences_shown(revision: RequirementSet | None) -> list[QuoteDifference] | None:
    """What the order and review pages list as "differs from quote": the recorded
    differences of a submitted revision 1, or for a draft what submitting it would
    record (unsaved rows). None when the revision is not compared with a quote."""
    if revision is None or revision.number != 1 or revision.order.quote_id is None:
        return None
    if revision.state != RequirementSet.State.DRAFT:
        return list(
            revision.quote_differences.select_related("discipline", "resolved_by")
        )
    diff = quote_diff(revision)
    if diff is None:
        return None
    return [_difference(change, old, new) for change, old, new in _rows(diff)]


def _rows(
    diff: RevisionDiff,
) -> list[tuple[str, Requirement | None, Requirement | None]]:
    rows: list[tuple[str, Requirement | None, Requirement | None]] = [
        (QuoteDifference.Change.ADDED, None, r) for r in diff.added
    ]
    rows += [(QuoteDifference.Change.REMOVED, r, None) for r in diff.removed]
    rows += [(QuoteDifference.Change.CHANGED, c.old, c.new) for c in diff.changed]
    return rows


def signing_blockers(revision: RequirementSet) -> list[str]:
    """Why the revision cannot be accepted yet: differences from the quote still
    open (the database refuses the decision too: reviews migration 0014)."""
    unresolved = revision.quote_differences.filter(resolution="").count()
    if not unresolved:
        return []
    return [
        f"{unresolved} requirement(s) differ from the quote and are not resolved: "
        "each must be agreed with the customer or accepted by its discipline's "
        "reviewer before the order can be accepted."
    ]


def _locked_open(difference: QuoteDifference) -> QuoteDifference:
    """The difference, locked after its order (as signing locks the order first),
    refused once resolved or once its review was decided."""
    Order.objects.select_for_update().get(
        pk=RequirementSet.objects.values("order_id").filter(pk=difference.revision_id)[
            :1
        ]
    )
    difference = (
        QuoteDifference.objects.select_for_update(of=("self",))
        .select_related("revision__order__quote", "discipline")
        .get(pk=difference.pk)
    )
    if difference.resolved:
        raise ValidationError("This difference from the quote is already resolved.")
    if difference.revision.state != RequirementSet.State.SUBMITTED:
        raise ValidationError(
            "This order's review is over: its differences can no longer be resolved."
        )
    return difference


@transaction.atomic
def difference_accept(
    *, difference: QuoteDifference, user: User, reason: str
) -> QuoteDifference:
    """Its discipline's reviewer accepts the difference, saying why."""
    difference = _locked_open(difference)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the difference is acceptable."})
    if not (
        roles.has_role(user, *roles.REVIEWING)
        and difference.discipline.members.filter(pk=user.pk).exists()
    ):
        raise ValidationError(
            f"Only {difference.discipline} reviewers can accept this difference."
        )
    difference.resolution = QuoteDifference.Resolution.REVIEWER
    difference.reason = reason.strip()
    difference.resolved_by = user
    difference.resolved_at = timezone.now()
    attribute(difference, user=user, reason="Difference from the quote accepted")
    difference.save()
    return difference


@transaction.atomic
def difference_agree(
    *,
    difference: QuoteDifference,
    user: User,
    agreed_by_name: str,
    agreed_at: datetime.datetime,
    communication: object,
) -> QuoteDifference:
    """The customer agreed to the difference: who, when, in which conversation
    (a communication on the order, filed by the caller: pages.quote_resolutions)."""
    difference = _locked_open(difference)
    errors = {}
    if not agreed_by_name.strip():
        errors["agreed_by_name"] = "Say who at the customer agreed."
    if agreed_at is None:
        errors["agreed_at"] = "Say when they agreed."
    elif agreed_at > timezone.now():
        errors["agreed_at"] = "That is in the future."
    # Times are typed to the minute: the quote's minute counts.
    elif agreed_at < difference.revision.order.quote.created_at.replace(
        second=0, microsecond=0
    ):
        errors["agreed_at"] = "That is before the quote was made."
    if communication is None:
        errors["communication"] = "Name the conversation they agreed in."
    if errors:
        raise ValidationError(errors)
    difference.resolution = QuoteDifference.Resolution.CUSTOMER
    difference.agreed_by_name = agreed_by_name.strip()
    difference.agreed_at = agreed_at
    difference.communication = communication
    difference.resolved_by = user
    difference.resolved_at = timezone.now()
    attribute(difference, user=user, reason="Difference agreed with the customer")
    difference.save()
    return difference
