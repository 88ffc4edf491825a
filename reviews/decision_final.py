"""The two last steps of signing: appending a signature to the chain, and making
a decision final once every approval rule that applies is satisfied (the review,
revision and order states, the customer's agreement to conditions, the event)."""

from typing import Any

from orderreview import events
from orderreview.history import attribute
from orders.models import Order
from orders.services import order_status_set
from requirements import selectors as requirement_selectors
from requirements.models import RequirementSet
from reviews import agreements, heads, signing
from reviews.models import Decision, Review, Signature


def signature_append(
    *, decision: Decision, signer: Any, signed_at: Any, content: dict
) -> Signature:
    """Append one signature of content at the chain head. The caller holds the
    chain lock."""
    head = Signature.objects.order_by("-pk").values_list("signature_hash", flat=True)
    signature = Signature(
        **signing.new_signature_fields(
            decision_id=decision.pk,
            outcome=decision.outcome,
            signer=signer,
            signed_at=signed_at,
            content=content,
            previous_hash=head.first() or signing.GENESIS_HASH,
        )
    )
    # The objects at hand, so nothing reads them again from their ids.
    signature.decision, signature.signer = decision, signer
    attribute(signature, user=signer)
    signature.save()
    # The new chain head goes to the log outside the database once committed.
    heads.head_append_after_commit(signature)
    return signature


def decision_final(
    *, review: Review, decision: Decision, signature: Signature, signer: Any
) -> None:
    """The decision takes effect: called in the signing transaction, holding the
    order and review rows, by the signature that satisfies the last rule."""
    meaning = signature.meaning
    reasons = decision.reasons
    now = signature.signed_at
    accepted = decision.outcome == Decision.Outcome.ACCEPT
    review.state = Review.State.DECIDED
    review.closed_at = now
    attribute(review, user=signer, reason=meaning)
    review.save(update_fields=["state", "closed_at"])
    revision = review.requirement_set
    revision.state = (
        RequirementSet.State.ACCEPTED if accepted else RequirementSet.State.REJECTED
    )
    attribute(revision, user=signer, reason=meaning)
    revision.save(update_fields=["state"])
    order = Order.objects.select_for_update().get(pk=review.order_id)
    status = Order.Status.ACCEPTED if accepted else Order.Status.REJECTED
    has_baseline = requirement_selectors.revision_has_baseline(revision)
    # A rejected change leaves the order on its last accepted revision: the
    # order is still accepted, as agreed before the change was asked for.
    if not accepted and has_baseline:
        status = Order.Status.ACCEPTED
        order = agreements.agreed_header_restore(
            order=order, revision=revision, user=signer
        )
    conditions = agreements.conditions_offered(review) if accepted else []
    token = None
    if conditions:
        # Conditions are a counter-offer: accepted once the customer agrees. A
        # change stays "in review" on the accepted order meanwhile.
        _agreement, token = agreements.agreement_open(
            decision=decision,
            review=review,
            conditions=conditions,
            content_hash=signature.content_hash,
            user=signer,
        )
        if not has_baseline:
            status = Order.Status.AWAITING_AGREEMENT
    order_status_set(
        order=order,
        status=status,
        user=signer,
        reason=f"{meaning}. {reasons}".strip(". "),
        change_in_review=bool(conditions) and has_baseline,
    )
    events.review_decided.send(
        sender=Review, review=review, decision=decision, agreement_token=token
    )
