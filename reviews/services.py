"""Writes that matter in the reviews app. Each is one transaction.

assessment_record()  a reviewer records a verdict (optimistic lock on version)
assessment_reopen()  a reviewer re-opens a verdict carried forward, saying why
decision_sign()      an approver accepts or rejects, re-entering their password; the
                     signature is appended to the one hash chain

A submitted revision gets its review and assessment slots in reviews.opening; a
reviewer's open slots are marked "can meet" at once in reviews.bulk_assessment,
through the steps assessment_record() takes for one.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from orderreview import events, roles
from orderreview.history import attribute
from orders.models import Order
from orders.services import order_status_set
from requirements import quote_differences
from requirements import selectors as requirement_selectors
from requirements.confirmations import confirmation_of
from requirements.models import statement_documented
from reviews import (
    approval,
    decision_final,
    selectors,
    signing,
    statutory,
)
from reviews.models import Assessment, Decision, Review

VERDICTS_NEEDING_NOTE = {
    Assessment.Verdict.CONDITIONS: "Describe the conditions for meeting it.",
    Assessment.Verdict.CANNOT_MEET: "Give the reason it cannot be met.",
}


class AssessmentConflict(ValidationError):
    """Someone else saved the assessment since the form was loaded."""

    def __init__(self, current: Assessment) -> None:
        who = current.assessed_by.printed_name if current.assessed_by else "someone"
        when = (
            f" at {timezone.localtime(current.assessed_at):%Y-%m-%d %H:%M}"
            if current.assessed_at
            else ""
        )
        value = current.get_verdict_display()
        if current.note:
            value = f"{value} ({current.note})"
        super().__init__(
            f"{who} saved this assessment{when} while you were editing it: "
            f"“{value}”. Your change was not saved; check the newer value and "
            "save again if yours should replace it.",
            code="conflict",
        )
        self.current = current


class SignedContentChanged(ValidationError):
    """What would be signed changed since the approver's page showed it."""

    def __init__(self, current: dict[str, Any]) -> None:
        super().__init__(
            "The review changed after this page was opened: the differences are "
            "shown below. Nothing was signed; read the content again and sign if "
            "you still agree.",
            code="content_changed",
        )
        self.current = current


def assessment_is_assessable_by(assessment: Assessment, user: Any) -> bool:
    """Reviewers assess only the slots of disciplines they hold."""
    if not roles.has_role(user, *roles.REVIEWING):
        return False
    return assessment.discipline.members.filter(pk=user.pk).exists()


def verdict_check(verdict: str, note: str) -> None:
    """What every verdict must satisfy, one at a time or many at once."""
    if verdict not in {
        Assessment.Verdict.CAN_MEET,
        Assessment.Verdict.CONDITIONS,
        Assessment.Verdict.CANNOT_MEET,
    }:
        raise ValidationError({"verdict": "Choose a verdict."})
    if verdict in VERDICTS_NEEDING_NOTE and not note:
        raise ValidationError({"note": VERDICTS_NEEDING_NOTE[verdict]})


def verdict_write(
    slot: Assessment, *, user: Any, verdict: str, note: str, reason: str = ""
) -> None:
    """Write a verdict on a slot locked by the caller, in its transaction, after
    the checks (review open, the user's discipline, the version)."""
    slot.verdict = verdict
    slot.note = note
    slot.assessed_by = user
    slot.assessed_at = timezone.now()
    # A fresh verdict replaces one carried forward from an earlier revision.
    slot.carried_from = None
    slot.version += 1
    attribute(slot, user=user, reason=reason or None)
    slot.save()


def review_assessment_started(review: Review, *, user: Any) -> None:
    """The first verdict on a review moves its order from awaiting review to in
    review; the reaction to a verdict (notifications) is told once."""
    order = Order.objects.select_for_update().get(pk=review.order_id)
    if order.status == Order.Status.AWAITING_REVIEW:
        order_status_set(
            order=order,
            status=Order.Status.IN_REVIEW,
            user=user,
            reason="Review started",
        )
    events.review_assessed.send(sender=Review, review=review)


def assessment_record(
    *,
    assessment: Assessment,
    user: Any,
    verdict: str,
    note: str,
    version: int,
) -> Assessment:
    """Record a verdict on one slot.

    version is the one the reviewer's form was loaded with: if someone saved the
    slot since, AssessmentConflict is raised and nothing is overwritten. The first
    verdict on a review moves the order from awaiting review to in review.
    """
    note = note.strip()
    verdict_check(verdict, note)
    with transaction.atomic():
        # The order row first, as decision_sign takes it: a verdict changed while an
        # approver signs waits for the signature and is then refused, instead of
        # slipping under a decision whose blockers were checked without it.
        Order.objects.select_for_update().get(
            pk=Review.objects.values("order_id").filter(pk=assessment.review_id)[:1]
        )
        current = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related(
                "review", "discipline", "assessed_by", "requirement__question"
            )
            .get(pk=assessment.pk)
        )
        if current.review.state != Review.State.OPEN:
            raise ValidationError(
                "This review is closed: its assessments can no longer be changed."
            )
        if not current.discipline.members.filter(pk=user.pk).exists():
            raise ValidationError(
                f"Only {current.discipline} reviewers can assess this requirement."
            )
        if current.version != version:
            raise AssessmentConflict(current)
        verdict_write(current, user=user, verdict=verdict, note=note)
        review_assessment_started(current.review, user=user)
    return current


REOPEN_REASON_MAX = 400


def assessment_reopen(*, assessment: Assessment, user: Any, reason: str) -> Assessment:
    """A reviewer takes a fresh look at a verdict carried forward from an earlier
    revision of their discipline: the slot is open again, and the review page and
    its history say who re-opened it and why."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why this verdict needs a new look."})
    if len(reason) > REOPEN_REASON_MAX:
        raise ValidationError(
            {"reason": f"Keep the reason under {REOPEN_REASON_MAX} characters."}
        )
    with transaction.atomic():
        # The order row first, as in assessment_record and decision_sign.
        Order.objects.select_for_update().get(
            pk=Review.objects.values("order_id").filter(pk=assessment.review_id)[:1]
        )
        current = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("review", "discipline")
            .get(pk=assessment.pk)
        )
        if current.review.state != Review.State.OPEN:
            raise ValidationError(
                "This review is closed: its assessments can no longer be changed."
            )
        if not current.discipline.members.filter(pk=user.pk).exists():
            raise ValidationError(
                f"Only {current.discipline} reviewers can re-open this verdict."
            )
        if current.carried_from_id is None:
            raise ValidationError(
                "Only a verdict carried forward from an earlier revision can be "
                "re-opened; to change this one, save a new verdict."
            )
        current.verdict = Assessment.Verdict.PENDING
        current.note = ""
        current.assessed_by = None
        current.assessed_at = None
        current.carried_from = None
        current.reopened_because = f"Re-opened by {user.printed_name}: {reason}"[
            : Assessment._meta.get_field("reopened_because").max_length
        ]
        current.version += 1
        attribute(current, user=user, reason=current.reopened_because)
        current.save()
    return current


CONFIRMATION_MISSING = (
    "The requirements of revision {} came without a documented statement and have "
    "not been confirmed with the customer yet: customer service records the "
    "customer's confirmation, with the communication it happened in, before the "
    "order can be accepted."
)


def confirmation_missing(review: Review) -> bool:
    """ISO 9001 8.2.3.1: the revision under review came without a documented
    statement and its customer confirmation is not recorded."""
    revision = review.requirement_set
    return not statement_documented(revision, review.order) and (
        confirmation_of(revision) is None
    )


def decision_blockers(review: Review, outcome: str) -> list[str]:
    """Why the review cannot be decided this way yet (empty when it can)."""
    problems = []
    if review.state == Review.State.SIGNING:
        problems.append(
            "This review is accepted and awaits further approvers: countersign it "
            "instead."
        )
        return problems
    if review.state != Review.State.OPEN:
        problems.append("This review has already been decided or superseded.")
        return problems
    if outcome == Decision.Outcome.ACCEPT:
        assessments = list(review.assessments.all())
        pending = sum(1 for a in assessments if not a.verdict)
        cannot = sum(
            1 for a in assessments if a.verdict == Assessment.Verdict.CANNOT_MEET
        )
        if pending:
            problems.append(
                f"{pending} requirement assessment(s) are still open: every one "
                "must be assessed before the order can be accepted."
            )
        if cannot:
            problems.append(
                f"{cannot} assessment(s) say a requirement cannot be met: the order "
                "cannot be accepted (reject it, or resolve the requirement with a "
                "change)."
            )
        if confirmation_missing(review):
            problems.append(CONFIRMATION_MISSING.format(review.requirement_set.number))
        problems.extend(statutory.checks_blockers(review))
        if review.order.quote_id:
            problems.extend(quote_differences.signing_blockers(review.requirement_set))
        if settings.CHANGE_ACKNOWLEDGEMENTS_BLOCK_SIGNING:
            problems.extend(_acknowledgements_missing(review))
    return problems


def _acknowledgements_missing(review: Review) -> list[str]:
    """ISO 9001 8.2.4: with CHANGE_ACKNOWLEDGEMENTS_BLOCK_SIGNING on, a change is
    accepted only once everyone told of it has acknowledged it."""
    outstanding = requirement_selectors.notifications_outstanding(
        review.requirement_set
    )
    if not outstanding:
        return []
    names = ", ".join(n.user.printed_name for n in outstanding)
    return [
        f"{len(outstanding)} person(s) told of this change have not acknowledged it "
        f"yet ({names}): the change can be accepted once they have."
    ]


def self_approval(review: Review, signer: Any) -> bool:
    """Whether signer entered the order or the revision under review."""
    revision = review.requirement_set
    people = {
        review.order.entered_by_id,
        revision.created_by_id,
        revision.submitted_by_id,
    }
    return signer.pk in people


def signer_check(
    *, review: Review, signer: Any, password: str, request: HttpRequest | None
) -> None:
    """Who may sign (or countersign) a review's decision: an approver who did not
    enter the order or revision (unless self-approval is allowed), with their
    password now. Call it outside the signing transaction: a lockout receiver's
    record of a failed password must survive the refusal."""
    if not roles.has_role(signer, roles.APPROVER):
        raise ValidationError("Only an approver can sign a decision.")
    if not settings.REVIEW_ALLOW_SELF_APPROVAL and self_approval(review, signer):
        raise ValidationError(
            "You entered this order or revision, so you cannot sign its decision: "
            "another approver must sign (segregation of duties)."
        )
    authenticated = authenticate(request, username=signer.username, password=password)
    if authenticated is None or authenticated.pk != signer.pk:
        raise ValidationError(
            {"password": "That password is not correct. Nothing was signed."}
        )


def decision_sign(
    *,
    review: Review,
    signer: Any,
    outcome: str,
    reasons: str,
    password: str,
    request: HttpRequest | None = None,
    seen_content_hash: str | None = None,
) -> Decision:
    """Accept or reject a review and sign it (21 CFR 11.50, 11.70, 11.200).

    The signer re-enters their password: a wrong one is refused before anything is
    written (and, through authenticate(), counts as a failed login). The decision,
    the review, revision and order states and the signature are written in one
    transaction that holds the review row and the chain's advisory lock, so two
    signers produce exactly one decision and the chain stays one line.
    """
    reasons = reasons.strip()
    if outcome not in Decision.Outcome.values:
        raise ValidationError({"outcome": "Choose accept or reject."})
    if outcome == Decision.Outcome.REJECT and not reasons:
        raise ValidationError({"reasons": "Give the reasons for the rejection."})
    signer_check(review=review, signer=signer, password=password, request=request)
    with transaction.atomic():
        # The order row first, as revision_submit (a change order) takes it before
        # the open review: the same lock order everywhere, so a decision racing a
        # change order waits for it instead of deadlocking.
        Order.objects.select_for_update().get(pk=review.order_id)
        review = (
            Review.objects.select_for_update(of=("self",))
            .select_related(
                "order__customer",
                "requirement_set__submitted_by",
                "requirement_set__created_by",
            )
            .get(pk=review.pk)
        )
        problems = decision_blockers(review, outcome)
        if problems:
            raise ValidationError(problems)
        # Read once: the content checked against what the approver saw is the very
        # content signed below, not a second read of the rows.
        content_review = _review_for_content(review.pk)
        body = signing.review_content_to_sign(content_review)
        if seen_content_hash is not None and (
            signing.content_hash(body) != seen_content_hash
        ):
            raise SignedContentChanged(body)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [signing.CHAIN_LOCK_KEY])
        now = timezone.now()
        decision = Decision(
            review=review,
            outcome=outcome,
            reasons=reasons,
            decided_by=signer,
            decided_at=now,
        )
        attribute(
            decision, user=signer, reason=f"{signing.MEANINGS[outcome]}. {reasons}"
        )
        decision.save()
        accepted = outcome == Decision.Outcome.ACCEPT
        signature = decision_final.signature_append(
            decision=decision,
            signer=signer,
            signed_at=now,
            content=signing.content_with_decision(body, decision),
        )
        rules = approval.rules_applying(content_review) if accepted else []
        snapshot = approval.snapshot_store(
            signature=signature, signer=signer, rules=rules
        )
        if snapshot.satisfied:
            decision_final.decision_final(
                review=review, decision=decision, signature=signature, signer=signer
            )
        else:
            # An approval rule needs more approvers: the acceptance is signed but
            # not final, and the review frozen, until they countersign.
            review.state = Review.State.SIGNING
            attribute(review, user=signer, reason="Awaiting further approvers")
            review.save(update_fields=["state"])
    return decision


def _review_for_content(review_pk: int) -> Review:
    return selectors.review_for_content(review_pk)
