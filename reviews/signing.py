"""Canonical JSON, hashing and verification of the signature chain.

Pure functions over plain data and model instances: nothing here writes. The chain is
one append-only list of Signature rows in primary-key order; each row's
signature_hash covers its own fields and the previous row's hash, so a row cannot be
altered, removed or copied elsewhere without the recomputation below noticing.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

GENESIS_HASH = "0" * 64
# Key of the PostgreSQL advisory lock that serialises appends to the chain.
CHAIN_LOCK_KEY = 0x5EC_0A11
MEANINGS = {
    "accept": "Approved: capability confirmed",
    "reject": "Rejected: requirements cannot be met",
}


def _default(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not canonical JSON")


def canonical_json(data: object) -> str:
    """One spelling for one value: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(
        data,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_default,
    )


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_hash(content: object) -> str:
    return sha256_hex(canonical_json(content))


def signature_hash(
    *,
    decision_id: int,
    signer_id: int,
    printed_name: str,
    meaning: str,
    signed_at: datetime,
    content_hash: str,
    previous_hash: str,
) -> str:
    """The hash that links a signature into the chain (21 CFR 11.70)."""
    return sha256_hex(
        canonical_json(
            {
                "decision": decision_id,
                "signer": signer_id,
                "printed_name": printed_name,
                "meaning": meaning,
                "signed_at": signed_at,
                "content_hash": content_hash,
                "previous_hash": previous_hash,
            }
        )
    )


def _user(user: Any) -> dict[str, object] | None:
    if user is None:
        return None
    return {"username": user.username, "printed_name": user.printed_name}


def review_content(review: Any, decision: Any) -> dict[str, object]:
    """What a signature covers: order, revision, every requirement and assessment,
    the decision, as plain JSON values (what the JSONField stores and reads back).
    Reads only prefetched relations when the caller prefetched them."""
    revision = review.requirement_set
    order = review.order
    requirements = sorted(revision.requirements.all(), key=lambda r: (r.position, r.pk))
    positions = {req.pk: index for index, req in enumerate(requirements)}
    assessments = sorted(
        review.assessments.all(),
        key=lambda a: (positions.get(a.requirement_id, 0), a.discipline.slug),
    )
    data = {
        "order": {
            "number": order.number,
            "customer": order.customer.account_code,
            "customer_name": order.customer.name,
            "customer_reference": order.customer_reference,
            "channel": order.channel,
            "requested_date": order.requested_date,
        },
        "revision": {
            "number": revision.number,
            "reason": revision.reason,
            "submitted_by": _user(revision.submitted_by),
            "submitted_at": revision.submitted_at,
        },
        "requirements": [
            {
                "key": req.key,
                "statement": req.statement,
                "value": req.value,
                "category": req.category,
                "discipline": req.discipline.slug,
                "source": req.source,
            }
            for req in requirements
        ],
        "assessments": [
            {
                "requirement": assessment.requirement.key,
                "discipline": assessment.discipline.slug,
                "verdict": assessment.verdict,
                "note": assessment.note,
                "assessed_by": _user(assessment.assessed_by),
                "assessed_at": assessment.assessed_at,
                "carried_from": assessment.carried_from_id,
            }
            for assessment in assessments
        ],
        "decision": {
            "outcome": decision.outcome,
            "reasons": decision.reasons,
            "decided_by": _user(decision.decided_by),
            "decided_at": decision.decided_at,
        },
    }
    return json.loads(canonical_json(data))


@dataclass(frozen=True)
class SignatureCheck:
    """The verdict on one signature."""

    content_ok: bool
    hash_ok: bool
    link_ok: bool

    @property
    def ok(self) -> bool:
        return self.content_ok and self.hash_ok and self.link_ok

    @property
    def problem(self) -> str:
        if not self.content_ok:
            return "the signed content does not match its content hash"
        if not self.hash_ok:
            return "the signature fields do not match the signature hash"
        if not self.link_ok:
            return "it does not link to the previous signature"
        return ""


def signature_check(signature: Any, previous_hash: str | None) -> SignatureCheck:
    """Recompute one signature; previous_hash is its predecessor's signature_hash
    (GENESIS_HASH for the first), or None when the caller does not know it."""
    recomputed = signature_hash(
        decision_id=signature.decision_id,
        signer_id=signature.signer_id,
        printed_name=signature.printed_name,
        meaning=signature.meaning,
        signed_at=signature.signed_at,
        content_hash=signature.content_hash,
        previous_hash=signature.previous_hash,
    )
    return SignatureCheck(
        content_ok=content_hash(signature.content) == signature.content_hash,
        hash_ok=recomputed == signature.signature_hash,
        link_ok=previous_hash is None or signature.previous_hash == previous_hash,
    )


@dataclass(frozen=True)
class ChainReport:
    count: int
    head: str
    broken_pk: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_pk is None

    @property
    def summary(self) -> str:
        if self.ok:
            return (
                f"Signature chain intact: {self.count} signature(s) verified, "
                f"chain head {self.head}"
            )
        return (
            f"Signature chain BROKEN at signature #{self.broken_pk}: {self.problem} "
            f"({self.count} checked, chain head {self.head})"
        )


def chain_verify(signatures: Iterable[Any]) -> ChainReport:
    """Walk the chain in primary-key order and report the first broken record."""
    expected_previous = GENESIS_HASH
    head = GENESIS_HASH
    count = 0
    broken: tuple[int, str] | None = None
    for signature in signatures:
        count += 1
        check = signature_check(signature, expected_previous)
        if broken is None and not check.ok:
            broken = (signature.pk, check.problem)
        expected_previous = signature.signature_hash
        head = signature.signature_hash
    if broken is None:
        return ChainReport(count=count, head=head)
    return ChainReport(count=count, head=head, broken_pk=broken[0], problem=broken[1])
