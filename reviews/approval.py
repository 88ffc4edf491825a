"""Which approval rules apply to a review, whether its signatures satisfy them, and
the signed snapshot of them each signature carries (reviews.rule_models).

A rule applies to an acceptance when it is active, covers what is reviewed (a
quote, any revision; an order's first revision; a change order, an order's later
revision) and all its conditions hold (approval_conditions). It is satisfied when
at least approvers_required distinct people signed the decision and, if it names
a role, one of them held that role when they signed. A rejection is final with
one signature: rules govern acceptance.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from orderreview import roles
from orderreview.history import attribute
from orders.models import Order
from orders.orderforms.answers import display_value
from requirements.models import QuoteDifference
from reviews import approval_conditions, signing
from reviews.models import (
    ApprovalRule,
    ApprovalSnapshot,
    Assessment,
    Decision,
    Review,
)


def facts_of(review: Review) -> approval_conditions.Facts:
    """What the conditions read, from a review_for_content review (prefetched)."""
    order = review.order
    revision = review.requirement_set
    answers, displays = {}, {}
    for req in revision.requirements.all():
        answers[req.key] = req.value
        question = getattr(req, "question", None)
        displays[req.key] = display_value(question, req.value)
    with_conditions: dict[str, list[str]] = {}
    for assessment in review.assessments.all():
        if assessment.verdict == Assessment.Verdict.CONDITIONS:
            keys = with_conditions.setdefault(assessment.discipline.slug, [])
            keys.append(assessment.requirement.key)
    # Earlier orders count, earlier quotes do not: a customer who asked for a quote
    # first still places their first order.
    first_order = not (
        Order.objects.filter(
            customer_id=order.customer_id, pk__lt=order.pk, kind=Order.Kind.ORDER
        ).exists()
    )
    return approval_conditions.Facts(
        order=order,
        revision_number=revision.number,
        answers=answers,
        displays=displays,
        with_conditions=with_conditions,
        first_order=first_order,
        not_agreed=_not_agreed(revision)
        if order.quote_id and revision.number == 1
        else [],
    )


def _not_agreed(revision: Any) -> list[str]:
    """The revision's differences from its quote that the customer did not agree
    to, as "requirement (resolution)" (only a first revision has any)."""
    differences = revision.quote_differences.exclude(
        resolution=QuoteDifference.Resolution.CUSTOMER
    ).order_by("pk")
    return [
        f"“{difference.statement}” ({difference.get_resolution_display().lower()})"
        for difference in differences
    ]


# What a signed review was to a rule, in the record's words.
COVERED_AS = {
    ApprovalRule.AppliesTo.ORDERS: "order",
    ApprovalRule.AppliesTo.QUOTES: "quote",
    ApprovalRule.AppliesTo.CHANGES: "change order",
}


def covered_as(order: Order, revision_number: int) -> str:
    """What a review is to the rules: a quote (any of its revisions), an order
    (its first revision) or a change order (a later revision of an order)."""
    if order.kind == Order.Kind.QUOTE:
        return ApprovalRule.AppliesTo.QUOTES
    if revision_number == 1:
        return ApprovalRule.AppliesTo.ORDERS
    return ApprovalRule.AppliesTo.CHANGES


def rules_applying(review: Review) -> list[dict[str, Any]]:
    """Each active rule whose conditions hold for the review, as it is now: name,
    history version, what it asks, why it applies and what it requires."""
    facts = facts_of(review)
    covered = covered_as(facts.order, facts.revision_number)
    applying = []
    rules = ApprovalRule.objects.filter(active=True, **{f"applies_to_{covered}": True})
    for rule in rules.order_by("name"):
        why = approval_conditions.matched(rule.conditions, facts)
        if why is None:
            continue
        version = rule.history.order_by("-history_id").values_list(
            "history_id", flat=True
        )
        applying.append(
            {
                "rule": rule.pk,
                "version": version.first(),
                "name": rule.name,
                "applies_to": rule.applies_to_display,
                # What the signed review was to the rule: an order, a quote or a
                # change order.
                "covered_as": COVERED_AS[covered],
                "conditions": [
                    approval_conditions.describe(c) for c in rule.conditions
                ],
                "why": why or ["it applies to every review it covers"],
                "approvers_required": rule.approvers_required,
                "role_required": rule.role_required,
            }
        )
    return applying


def roles_held(user: Any) -> list[str]:
    """The roles a signer holds now (an administrator holds every role)."""
    if getattr(user, "is_superuser", False):
        return sorted(roles.ALL_ROLES)
    return sorted(roles.user_roles(user))


@dataclass(frozen=True)
class Signer:
    name: str
    roles: tuple[str, ...]


def signers_of(decision: Any, before: int | None = None) -> list[Signer]:
    """Who signed the decision so far (before signature pk `before`, when
    given), in chain order, with the roles each held when they signed (from their
    snapshot; none before rules existed)."""
    signatures = decision.signatures.select_related("approval").order_by("pk")
    if before is not None:
        signatures = signatures.filter(pk__lt=before)
    found = []
    for signature in signatures:
        snapshot = getattr(signature, "approval", None)
        held = tuple(snapshot.signer_roles) if snapshot else ()
        found.append(Signer(signature.printed_name, held))
    return found


def progress(
    rules: list[dict[str, Any]], signers: list[Signer]
) -> list[dict[str, Any]]:
    """Each rule with who satisfied it so far and whether it is satisfied."""
    names = list(dict.fromkeys(s.name for s in signers))
    result = []
    for rule in rules:
        role = rule["role_required"]
        holder = next((s.name for s in signers if role and role in s.roles), "")
        satisfied = len(names) >= rule["approvers_required"] and (
            not role or bool(holder)
        )
        result.append(
            {
                **rule,
                "approved_by": names,
                "role_held_by": holder,
                "satisfied": satisfied,
            }
        )
    return result


def outstanding(rules: list[dict[str, Any]]) -> list[str]:
    """What the unsatisfied rules still need, in words."""
    needs = []
    for rule in rules:
        if rule["satisfied"]:
            continue
        missing = rule["approvers_required"] - len(rule["approved_by"])
        parts = []
        if missing > 0:
            parts.append(f"{missing} more approver(s)")
        if rule["role_required"] and not rule["role_held_by"]:
            parts.append(f"an approver holding the role {rule['role_required']}")
        needs.append(f"{rule['name']}: needs {' and '.join(parts)}")
    return needs


def _mac(snapshot: ApprovalSnapshot, signature_hash: str, key: str) -> str:
    message = signing.canonical_json(
        {
            "signature": signature_hash,
            "rules": snapshot.rules,
            "signer_roles": snapshot.signer_roles,
            "satisfied": snapshot.satisfied,
            "key_id": snapshot.key_id,
        }
    ).encode("utf-8")
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def snapshot_store(
    *, signature: Any, signer: Any, rules: list[dict[str, Any]]
) -> ApprovalSnapshot:
    """Record, beside a new signature, the rules that applied with who has
    satisfied each so far (this signer included). The caller's transaction holds
    the order and review rows, so no other signature of the decision is in
    flight."""
    earlier = signers_of(signature.decision, before=signature.pk)
    this = Signer(signature.printed_name, tuple(roles_held(signer)))
    rules = progress(rules, [*earlier, this])
    key_id, keys = signing.chain_keys()
    snapshot = ApprovalSnapshot(
        signature=signature,
        rules=json.loads(signing.canonical_json(rules)),
        signer_roles=list(this.roles),
        satisfied=all(rule["satisfied"] for rule in rules),
        key_id=key_id,
        created_at=signature.signed_at,
    )
    snapshot.mac = _mac(snapshot, signature.signature_hash, keys[key_id])
    attribute(snapshot, user=signer)
    snapshot.save()
    return snapshot


def snapshot_intact(snapshot: ApprovalSnapshot, signature: Any = None) -> bool:
    """Whether the snapshot is the one made with its signature (given, when the
    caller has it at hand)."""
    key = signing.chain_keys()[1].get(snapshot.key_id)
    if not key:
        return False
    signature = signature if signature is not None else snapshot.signature
    expected = _mac(snapshot, signature.signature_hash, key)
    return hmac.compare_digest(expected, snapshot.mac)


@dataclass(frozen=True)
class RecordRules:
    """What the acceptance record shows of the approval rules: the snapshot made
    with the decision's latest signature."""

    rules: list[dict[str, Any]]
    satisfied: bool
    intact: bool


def record_rules(signatures: list[Any]) -> RecordRules | None:
    """The rules as they were at the latest of the record's signatures (a list of
    selectors.VerifiedSignature), or None when it was signed before rules existed
    or is not signed yet."""
    if not signatures:
        return None
    latest = max((s.signature for s in signatures), key=lambda s: s.pk)
    # Read with the signatures (selectors.review_for_record): no query here.
    snapshot = getattr(latest, "approval", None)
    if snapshot is None:
        return None
    return RecordRules(
        rules=snapshot.rules,
        satisfied=snapshot.satisfied,
        intact=snapshot_intact(snapshot, latest),
    )


def rule_lines(rule: dict[str, Any]) -> list[str]:
    """One rule of a record in words (the PDF's lines; the page shows the same)."""
    role = rule["role_required"]
    needs = f"{rule['approvers_required']} distinct approver(s)"
    if role:
        needs += f", one holding the role {role}"
    approved = ", ".join(rule["approved_by"]) or "nobody yet"
    # Snapshots made before rules covered quotes do not say what the review was.
    covered = f", applied to this {rule['covered_as']}" if "covered_as" in rule else ""
    lines = [
        f"{rule['name']} (version {rule['version']}{covered}): requires {needs}",
        f"Applied because {'; '.join(rule['why'])}",
        f"Approved by {approved}"
        + (f"; role {role} held by {rule['role_held_by']}" if role else ""),
        "Satisfied" if rule["satisfied"] else "NOT satisfied yet",
    ]
    return lines


def awaiting_approvers() -> Q:
    """An acceptance an approval rule still holds: its review
    awaits further approvers, or a change superseded it meanwhile; its revision is
    not accepted, and every snapshot of its signatures says a rule is unsatisfied."""
    snapshots = ApprovalSnapshot.objects.filter(signature__decision=OuterRef("pk"))
    return (
        Q(
            outcome=Decision.Outcome.ACCEPT,
            review__state__in=[Review.State.SIGNING, Review.State.SUPERSEDED],
            review__requirement_set__state__in=["submitted", "superseded"],
        )
        & Exists(snapshots.filter(satisfied=False))
        & ~Exists(snapshots.filter(satisfied=True))
    )


def rules_unmet() -> ExpressionWrapper:
    """For a Decision query: it has snapshots of the rules and none of its
    signatures satisfied them."""
    snapshots = ApprovalSnapshot.objects.filter(signature__decision=OuterRef("pk"))
    return ExpressionWrapper(
        Exists(snapshots) & ~Exists(snapshots.filter(satisfied=True)),
        output_field=BooleanField(),
    )


def rules_unmet_failure(decision: Decision) -> str:
    review = decision.review
    return (
        f"decision #{decision.pk} ({review.order.number} rev. "
        f"{review.requirement_set.number}) is {review.state}, but no signature of "
        "it satisfied the approval rules"
    )
