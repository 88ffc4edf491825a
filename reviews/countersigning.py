"""Countersigning: a further approver signs an acceptance an approval rule holds
until enough approvers (or one holding a named role) have signed it.

Each countersignature is re-authenticated, made by someone who has not signed the
decision yet and did not enter the order or revision (unless self-approval is
allowed), and linked into the one chain. The order and review rows are locked
first, as decision_sign locks them, so two approvers countersigning at once sign
one after the other: the second sees the first's signature and, when the first
made the decision final, is told so instead of signing.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from orders.models import Order
from reviews import approval, decision_final, selectors, signing
from reviews.models import Decision, Review
from reviews.services import SignedContentChanged, signer_check


def decision_countersign(
    *,
    review: Review,
    signer: Any,
    password: str,
    request: HttpRequest | None = None,
    seen_content_hash: str | None = None,
) -> Decision:
    """Add signer's signature to the accepted decision awaiting approvers; the
    decision becomes final when this signature satisfies every rule."""
    signer_check(review=review, signer=signer, password=password, request=request)
    with transaction.atomic():
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
        if review.state != Review.State.SIGNING:
            raise ValidationError(
                "This decision no longer waits for approvers: it is "
                f"{review.get_state_display().lower()}. Nothing was signed."
            )
        decision = Decision.objects.select_related("decided_by").get(review=review)
        if decision.signatures.filter(signer=signer).exists():
            raise ValidationError(
                "You have already signed this decision: another approver must "
                "countersign it."
            )
        content_review = selectors.review_for_content(review.pk)
        body = signing.review_content_to_sign(content_review)
        if seen_content_hash is not None and (
            signing.content_hash(body) != seen_content_hash
        ):
            raise SignedContentChanged(body)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [signing.CHAIN_LOCK_KEY])
        signature = decision_final.signature_append(
            decision=decision,
            signer=signer,
            signed_at=timezone.now(),
            content=signing.content_with_decision(body, decision),
        )
        snapshot = approval.snapshot_store(
            signature=signature,
            signer=signer,
            rules=approval.rules_applying(content_review),
        )
        if snapshot.satisfied:
            decision_final.decision_final(
                review=review, decision=decision, signature=signature, signer=signer
            )
    return decision


def awaiting(review: Review) -> list[str]:
    """What a review awaiting approvers still needs, from its latest snapshot."""
    decision = getattr(review, "decision", None)
    if review.state != Review.State.SIGNING or decision is None:
        return []
    latest = decision.signatures.select_related("approval").order_by("-pk").first()
    snapshot = getattr(latest, "approval", None) if latest else None
    return approval.outstanding(snapshot.rules) if snapshot else []
