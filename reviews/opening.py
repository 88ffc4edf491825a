"""Opening a review: one assessment slot per requirement and discipline.

A change order's review keeps the verdicts of requirements that did not change
since the last accepted revision (carried forward); the rest are assessed afresh,
and so are those whose question depends on a requirement that changed (re-opened,
with the reason on the slot). The statutory checks that apply are frozen with it
(reviews.statutory).
"""

from collections.abc import Mapping
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from orderreview.history import attribute
from orders.models import Discipline, Order
from orders.orderforms import lines
from orders.orderforms.answers import display_value
from orders.services import order_status_set
from requirements import selectors as requirement_selectors
from requirements.diff import requirement_differs
from requirements.models import Requirement, RequirementSet
from reviews import statutory
from reviews.models import Assessment, Decision, Review

# (requirement pk of the new revision, discipline pk) -> the earlier assessment whose
# verdict still holds because the requirement did not change.
CarryForward = Mapping[tuple[int, int], Assessment]
# (requirement pk, discipline pk) -> why the slot is assessed afresh although its own
# requirement did not change: a requirement its verdict depends on did.
Reopened = Mapping[tuple[int, int], str]
REOPENED = "Re-opened"


def requirement_disciplines(requirement: Requirement) -> list[Discipline]:
    """The disciplines that must assess a requirement: one slot each.

    Today a requirement names one discipline; a second (for instance Quality on
    every statutory requirement) would be added here and every slot follows.
    """
    return [requirement.discipline]


CARRIED_FORWARD = "Verdict carried forward"


def carried_forward_reason(earlier: Assessment) -> str:
    """The history reason of a slot that keeps an earlier verdict: whose, from when."""
    who = earlier.assessed_by.printed_name if earlier.assessed_by else "someone"
    return (
        f"{CARRIED_FORWARD} from revision {earlier.review.requirement_set.number}: "
        f"{earlier.get_verdict_display().lower()}, assessed by {who}"
    )


def review_open(
    *,
    revision: RequirementSet,
    carry_forward: CarryForward | None = None,
    reopened: Reopened | None = None,
) -> Review:
    """Open the capability review of a submitted revision: one assessment slot for
    each (requirement, discipline), due REVIEW_DUE_DAYS from today.

    carry_forward maps slots of unchanged requirements to their earlier assessment
    (a change order re-reviews only what changed); reopened says why a slot left out
    of it is open although its requirement did not change. An open review of an earlier
    revision of the same order is superseded. Opening twice returns the same review.
    """
    with transaction.atomic():
        revision = RequirementSet.objects.select_for_update().get(pk=revision.pk)
        existing = Review.objects.filter(requirement_set=revision).first()
        if existing is not None:
            return existing
        if revision.state != RequirementSet.State.SUBMITTED:
            raise ValidationError(
                f"Revision {revision.number} is {revision.get_state_display().lower()}"
                ": only a submitted revision can be reviewed."
            )
        now = timezone.now()
        for earlier in Review.objects.select_for_update().filter(
            order_id=revision.order_id,
            state__in=[Review.State.OPEN, Review.State.SIGNING],
        ):
            # Its partial assessments stay as they are (frozen by the database
            # once the review is closed), on record beside the superseded revision.
            reason = f"Superseded by revision {revision.number}"
            earlier.state = Review.State.SUPERSEDED
            earlier.closed_at = now
            attribute(earlier, user=revision.submitted_by, reason=reason)
            earlier.save(update_fields=["state", "closed_at"])
            replaced = RequirementSet.objects.select_for_update().get(
                pk=earlier.requirement_set_id
            )
            replaced.state = RequirementSet.State.SUPERSEDED
            attribute(replaced, user=revision.submitted_by, reason=reason)
            replaced.save(update_fields=["state"])
        review = Review.objects.create(
            requirement_set=revision,
            order_id=revision.order_id,
            due_date=timezone.localdate() + timedelta(days=settings.REVIEW_DUE_DAYS),
        )
        carry_forward = carry_forward or {}
        reopened = reopened or {}
        requirements = revision.requirements.select_related("discipline").order_by(
            "position", "pk"
        )
        for requirement in requirements:
            for discipline in requirement_disciplines(requirement):
                earlier = carry_forward.get((requirement.pk, discipline.pk))
                slot = Assessment(
                    review=review, requirement=requirement, discipline=discipline
                )
                reason = reopened.get((requirement.pk, discipline.pk))
                slot.reopened_because = reason or ""
                if earlier is not None and earlier.verdict:
                    slot.verdict = earlier.verdict
                    slot.note = earlier.note
                    slot.assessed_by_id = earlier.assessed_by_id
                    slot.assessed_at = earlier.assessed_at
                    slot.carried_from = earlier
                    # The audit trail shows who submitted the change as the row's
                    # author: the reason names who gave the verdict.
                    reason = carried_forward_reason(earlier)
                attribute(slot, user=revision.submitted_by, reason=reason)
                slot.save()
        # The register entries that apply now, frozen for this review.
        statutory.checks_open(
            review=review,
            baseline=baseline_review(revision),
            user=revision.submitted_by,
        )
        order = Order.objects.select_for_update().get(pk=revision.order_id)
        # A change to an accepted order leaves it accepted: what was agreed holds
        # until the change is decided.
        changing = requirement_selectors.revision_has_baseline(revision)
        order_status_set(
            order=order,
            status=(
                Order.Status.ACCEPTED if changing else Order.Status.AWAITING_REVIEW
            ),
            user=revision.submitted_by,
            reason=f"Revision {revision.number} submitted for review",
            change_in_review=changing,
        )
    return review


def carry_forward_from_previous(
    *, revision: RequirementSet
) -> dict[tuple[int, int], Assessment]:
    """Earlier verdicts that still hold for a later revision: _carry_forward_plan."""
    return _carry_forward_plan(revision=revision)[0]


def _change_text(
    key: str, old: Requirement | None, new: Requirement | None
) -> str | None:
    """ "Quantity, which changed from 250 to 400"; None when it did not change."""
    if old is not None and new is not None:
        if not requirement_differs(old, new):
            return None
        before = display_value(old.question, old.value)
        after = display_value(new.question, new.value)
        if before == after:
            return f"{new.statement}, which changed"
        return f"{new.statement}, which changed from {before} to {after}"
    if new is not None:
        return f"{new.statement}, which was added"
    assert old is not None
    return f"{old.statement}, which was removed"


def reopened_reason(changes: list[str]) -> str:
    """What the review page says of a slot re-opened by what it depends on."""
    text = f"{REOPENED}: depends on " + "; ".join(changes)
    return text[: Assessment._meta.get_field("reopened_because").max_length]


def _carry_forward_plan(
    *, revision: RequirementSet
) -> tuple[dict[tuple[int, int], Assessment], dict[tuple[int, int], str]]:
    """Earlier verdicts that still hold for a later revision, and the slots re-opened
    although their own requirement did not change.

    A verdict holds when it comes from the review that accepted the order's baseline
    (its last accepted revision), its requirement's key, statement, value, category
    and discipline did not change, and neither did any requirement its question
    depends on (Question.depends_on: the delivery-date verdict depends on the
    quantity). Only an accepted revision counts: verdicts of a superseded review were
    never agreed, and a rejected change never became the order's requirements, so
    whatever is not yet accepted is assessed afresh."""
    previous = baseline_review(revision)
    if previous is None:
        return {}, {}
    earlier = {
        (a.requirement.key, a.discipline_id): a
        for a in previous.assessments.select_related(
            "requirement", "assessed_by", "review__requirement_set"
        ).exclude(verdict="")
    }
    old_by_key = {
        r.key: r
        for r in Requirement.objects.filter(
            requirement_set_id=previous.requirement_set_id
        ).select_related("question")
    }
    new_requirements = list(
        revision.requirements.select_related("discipline", "question")
    )
    new_by_key = {r.key: r for r in new_requirements}
    known = old_by_key.keys() | new_by_key.keys()
    mapping: dict[tuple[int, int], Assessment] = {}
    reopened: dict[tuple[int, int], str] = {}
    for requirement in new_requirements:
        depends_on = requirement.question.depends_on if requirement.question else []
        # On a line, a dependency is the same line's answer when it has one.
        line = lines.line_of_key(requirement.key)
        if line:
            depends_on = [
                line_key
                if (line_key := lines.requirement_key(line, key)) in known
                else key
                for key in depends_on
            ]
        changes = [
            text
            for key in depends_on
            if (text := _change_text(key, old_by_key.get(key), new_by_key.get(key)))
        ]
        for discipline in requirement_disciplines(requirement):
            slot = (requirement.pk, discipline.pk)
            old = earlier.get((requirement.key, discipline.pk))
            if old is None or requirement_differs(old.requirement, requirement):
                continue
            if changes:
                reopened[slot] = reopened_reason(changes)
            else:
                mapping[slot] = old
    return mapping, reopened


def baseline_review(revision: RequirementSet) -> Review | None:
    """The review that accepted the order's last agreed revision before this one
    (for revision 1 of an order made from a quote, the quote's): what a change
    order's review carries verdicts and checks forward from."""
    accepted = Review.objects.filter(
        state=Review.State.DECIDED, decision__outcome=Decision.Outcome.ACCEPT
    ).order_by("-requirement_set__number")
    own = accepted.filter(
        order_id=revision.order_id, requirement_set__number__lt=revision.number
    ).first()
    if own is not None or revision.number != 1:
        return own
    # Revision 1 of an order made from a quote: the review that confirmed the
    # quote's capability.
    quote_id = revision.order.quote_id
    return accepted.filter(order_id=quote_id).first() if quote_id else None


def review_reopen_for_change(*, revision: RequirementSet) -> Review:
    """Review a later revision (a change order): only what changed needs a fresh
    assessment, the rest keeps the verdicts of the last decided review."""
    carry_forward, reopened = _carry_forward_plan(revision=revision)
    return review_open(
        revision=revision, carry_forward=carry_forward, reopened=reopened
    )
