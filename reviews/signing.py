"""Canonical JSON, the signed content formats, hashing and verification of the
signature chain. (What differs between two contents, in words: content_differences.)

Pure functions over plain data and model instances: nothing here writes. The chain is
one append-only list of Signature rows in primary-key order; each row's
signature_hash covers its own fields and the previous row's hash, so a row cannot be
altered, removed or copied elsewhere without the recomputation below noticing.

The link is an HMAC-SHA256 under a key kept outside the database (settings
SIGNING_CHAIN_KEYS, by key id), so whoever owns the tables cannot recompute it after
changing a row. Signatures made before the chain was keyed carry the key id
'sha256-unkeyed' and are checked as plain SHA-256; they may only precede keyed ones.
"""

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings

from orderreview.chainkeys import LEGACY_KEY_ID
from orders.orderforms.answers import display_value
from reviews.signed_confirmation import confirmation_content
from reviews.signed_people import signed_person
from reviews.signed_statutory import statutory_content

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


class CanonicalJSON(str):
    """A content already spelled by canonical_json (rows_content_json): hashed as
    is and stored as is, so a bulk signer encodes each content once, not three
    times (content, hash, the row's text)."""


def content_hash(content: object) -> str:
    if isinstance(content, CanonicalJSON):
        return sha256_hex(content)
    return sha256_hex(canonical_json(content))


def chain_keys() -> tuple[str, Mapping[str, str]]:
    """The key id new signatures use, and every key that verifies, by id."""
    return settings.SIGNING_CHAIN_KEY_ID, settings.SIGNING_CHAIN_KEYS


def signature_hash(
    *,
    decision_id: int,
    signer_id: int,
    printed_name: str,
    meaning: str,
    signed_at: datetime,
    content_hash: str,
    previous_hash: str,
    key_id: str,
    key: str | None,
) -> str:
    """The MAC that links a signature into the chain (21 CFR 11.70): HMAC-SHA256
    under the key named key_id, which is itself covered; for key_id
    'sha256-unkeyed' (signatures from before keys) the plain SHA-256 of old."""
    fields: dict[str, object] = {
        "decision": decision_id,
        "signer": signer_id,
        "printed_name": printed_name,
        "meaning": meaning,
        "signed_at": signed_at,
        "content_hash": content_hash,
        "previous_hash": previous_hash,
    }
    if key_id == LEGACY_KEY_ID:
        return sha256_hex(canonical_json(fields))
    if not key:
        raise ValueError(f"no key for signature chain key id {key_id!r}")
    fields["key_id"] = key_id
    message = canonical_json(fields).encode("utf-8")
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def new_signature_hash(**fields: Any) -> tuple[str, str]:
    """(key id, hash) for a new signature, under the current key."""
    key_id, keys = chain_keys()
    return key_id, signature_hash(key_id=key_id, key=keys[key_id], **fields)


def new_signature_fields(
    *,
    decision_id: int,
    outcome: str,
    signer: Any,
    signed_at: Any,
    content: dict,
    previous_hash: str,
) -> dict[str, Any]:
    """Every field of a new Signature row linked after previous_hash: the one way
    the signing service and seed_scale make a signature."""
    digest = content_hash(content)
    fields = {
        "decision_id": decision_id,
        "signer_id": signer.pk,
        "printed_name": signer.printed_name,
        "meaning": MEANINGS[outcome],
        "signed_at": signed_at,
        "content_hash": digest,
        "previous_hash": previous_hash,
    }
    key_id, link = new_signature_hash(**fields)
    return {
        **fields,
        "content": content,
        "content_format": CONTENT_FORMAT,
        "signature_hash": link,
        "key_id": key_id,
    }


# The content format a new signature is made with. Each signature records the format
# it was made with (Signature.content_format) and is always recomputed with that
# format's builder: a builder, once signatures were made with it, never changes.
CONTENT_FORMAT = 3


@dataclass(frozen=True)
class SignedRows:
    """The rows a signature covers, with the relations its content reads:
    order.customer, revision.submitted_by, each requirement's discipline and
    question, each assessment's requirement, discipline and assessed_by.

    review_content reads them from a review; seed_scale passes unsaved model
    instances made from the rows it is about to COPY, so both sign the same content.
    """

    order: Any
    revision: Any
    requirements: Sequence[Any]
    assessments: Sequence[Any]
    # The revision's customer confirmation (requirements.RevisionConfirmation) with
    # its confirmed_by, communication and attachment; None when there is none.
    confirmation: Any = None
    # Format 3: statutory checks with discipline and checked_by (seed_scale: none).
    statutory_checks: Sequence[Any] = ()

    @classmethod
    def of_review(cls, review: Any) -> "SignedRows":
        revision = review.requirement_set
        return cls(
            order=review.order,
            revision=revision,
            requirements=list(revision.requirements.all()),
            assessments=list(review.assessments.all()),
            confirmation=getattr(revision, "confirmation", None),
            statutory_checks=list(review.statutory_checks.all()),
        )

    def requirements_in_order(self) -> list[Any]:
        return sorted(self.requirements, key=lambda r: (r.position, r.pk))


def _body_v1(rows: SignedRows) -> dict[str, object]:
    """Format 1 (the first release): values as stored JSON, "12" for 12 mm."""
    revision = rows.revision
    order = rows.order
    requirements = rows.requirements_in_order()
    positions = {req.pk: index for index, req in enumerate(requirements)}
    assessments = sorted(
        rows.assessments,
        key=lambda a: (positions.get(a.requirement_id, 0), a.discipline.slug),
    )
    return {
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
            "submitted_by": signed_person(revision.submitted_by),
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
                "assessed_by": signed_person(assessment.assessed_by),
                "assessed_at": assessment.assessed_at,
                "carried_from": assessment.carried_from_id,
            }
            for assessment in assessments
        ],
    }


def _body_v2(rows: SignedRows) -> dict[str, object]:
    """Format 2: format 1 plus, for every requirement, the text a person read
    ("12 mm", "Yes", "drawing.pdf (SHA-256 ...)") from the one display function."""
    body = _body_v1(rows)
    requirements = rows.requirements_in_order()
    for entry, req in zip(body["requirements"], requirements, strict=True):
        entry["display"] = display_value(getattr(req, "question", None), req.value)
    body["format"] = 2
    return body


def _body_v3(rows: SignedRows) -> dict[str, object]:
    """Format 3: format 2 plus the customer's confirmation of a revision given
    without a documented statement (null when it came with one) and the statutory
    checks (8.2.2 a 1)."""
    body = _body_v2(rows)
    body["confirmation"] = confirmation_content(
        rows.order, rows.revision, rows.confirmation
    )
    body["statutory"] = statutory_content(rows.statutory_checks)
    body["format"] = 3
    return body


_BODIES = {1: _body_v1, 2: _body_v2, 3: _body_v3}


def _decision(decision: Any) -> dict[str, object]:
    return {
        "outcome": decision.outcome,
        "reasons": decision.reasons,
        "decided_by": signed_person(decision.decided_by),
        "decided_at": decision.decided_at,
    }


def review_content(
    review: Any, decision: Any, *, content_format: int = CONTENT_FORMAT
) -> dict[str, object]:
    """What a signature covers: order, revision, every requirement and assessment,
    the decision, as plain JSON values (what the JSONField stores and reads back),
    in the given content format. Reads only prefetched relations when the caller
    prefetched them."""
    return rows_content(
        SignedRows.of_review(review), decision, content_format=content_format
    )


def _rows_body(rows: SignedRows, content_format: int) -> dict[str, object]:
    if content_format not in _BODIES:
        raise ValueError(f"unknown signed content format {content_format}")
    return _BODIES[content_format](rows)


def rows_content(
    rows: SignedRows, decision: Any, *, content_format: int = CONTENT_FORMAT
) -> dict[str, object]:
    """review_content for rows that are not (yet) in the database."""
    return json.loads(rows_content_json(rows, decision, content_format=content_format))


def rows_content_json(
    rows: SignedRows, decision: Any, *, content_format: int = CONTENT_FORMAT
) -> CanonicalJSON:
    """rows_content's canonical JSON, encoded once (a bulk signer hashes and stores
    this text as it is: canonical_json of its decoding spells it again)."""
    body = {**_rows_body(rows, content_format), "decision": _decision(decision)}
    return CanonicalJSON(canonical_json(body))


def content_with_decision(body: Mapping[str, Any], decision: Any) -> dict[str, object]:
    """A signature's content: the body an approver saw (review_content_to_sign)
    with the decision they signed added."""
    return json.loads(canonical_json({**body, "decision": _decision(decision)}))


def review_content_to_sign(review: Any) -> dict[str, object]:
    """What an approver is about to sign, before the decision exists: the current
    format's content without its decision part. The sign page shows it and carries
    its hash; a signature is refused when it changed in between."""
    body = _BODIES[CONTENT_FORMAT](SignedRows.of_review(review))
    return json.loads(canonical_json(body))


def content_format_of(content: Any) -> int:
    """The format a stored content says it is (format 1 carries no marker)."""
    if isinstance(content, dict) and isinstance(content.get("format"), int):
        return content["format"]
    return 1


@dataclass(frozen=True)
class SignatureCheck:
    """The verdict on one signature."""

    content_ok: bool
    hash_ok: bool
    link_ok: bool
    key_known: bool = True
    # False for an unkeyed (legacy) signature after a keyed one: only signatures
    # made before the chain was keyed may be plain SHA-256.
    keying_ok: bool = True
    keyed: bool = True

    @property
    def ok(self) -> bool:
        checks = (self.content_ok, self.key_known, self.hash_ok, self.link_ok)
        return all(checks) and self.keying_ok

    @property
    def problem(self) -> str:
        if not self.content_ok:
            return "the signed content does not match its content hash"
        if not self.key_known:
            return (
                "it names a chain key id this installation does not know "
                "(add the old key to SIGNING_CHAIN_OLD_KEYS)"
            )
        if not self.hash_ok:
            return "the signature fields do not match the signature hash"
        if not self.link_ok:
            return "it does not link to the previous signature"
        if not self.keying_ok:
            return (
                "it is unkeyed (plain SHA-256): only signatures made before the "
                "chain was keyed (up to SIGNING_CHAIN_LEGACY_UNTIL, and before any "
                "keyed one) may be unkeyed"
            )
        return ""


def signature_check(
    signature: Any,
    previous_hash: str | None,
    keys: Mapping[str, str] | None = None,
) -> SignatureCheck:
    """Recompute one signature; previous_hash is its predecessor's signature_hash
    (GENESIS_HASH for the first), or None when the caller does not know it."""
    if keys is None:
        keys = chain_keys()[1]
    key_id = signature.key_id
    keyed = key_id != LEGACY_KEY_ID
    key_known = not keyed or key_id in keys
    recomputed = (
        signature_hash(
            decision_id=signature.decision_id,
            signer_id=signature.signer_id,
            printed_name=signature.printed_name,
            meaning=signature.meaning,
            signed_at=signature.signed_at,
            content_hash=signature.content_hash,
            previous_hash=signature.previous_hash,
            key_id=key_id,
            key=keys.get(key_id),
        )
        if key_known
        else ""
    )
    return SignatureCheck(
        content_ok=content_hash(signature.content) == signature.content_hash,
        hash_ok=hmac.compare_digest(recomputed, signature.signature_hash),
        link_ok=previous_hash is None or signature.previous_hash == previous_hash,
        key_known=key_known,
        keyed=keyed,
    )


@dataclass(frozen=True)
class ChainReport:
    count: int
    head: str
    broken_pk: int | None = None
    problem: str = ""
    head_pk: int | None = None
    # Signatures from before the chain was keyed, checked as plain SHA-256.
    unkeyed: int = 0
    # Failures beside the chain: unsigned decisions, logged heads it no longer holds.
    failures: tuple[str, ...] = ()
    # What else was looked at, e.g. how many heads of the log were checked.
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.broken_pk is None and not self.failures

    def with_failures(self, *failures: str, note: str = "") -> "ChainReport":
        notes = self.notes + ((note,) if note else ())
        return replace(self, failures=self.failures + tuple(failures), notes=notes)

    @property
    def unkeyed_note(self) -> str:
        if not self.unkeyed:
            return ""
        return (
            f"{self.unkeyed} of them unkeyed legacy signature(s) (plain SHA-256, "
            "key id sha256-unkeyed), made before the chain was keyed"
        )

    @property
    def summary(self) -> str:
        note = f"; {self.unkeyed_note}" if self.unkeyed else ""
        if self.broken_pk is not None:
            text = (
                f"Signature chain BROKEN at signature #{self.broken_pk}: "
                f"{self.problem} ({self.count} checked{note}, chain head {self.head})"
            )
        elif self.failures:
            text = (
                f"Signature chain FAILED: {self.failures[0]} ({self.count} "
                f"signature(s) checked{note}, chain head {self.head})"
            )
        else:
            return (
                f"Signature chain intact: {self.count} signature(s) verified{note}, "
                f"chain head {self.head}"
            )
        more = self.failures[1:] if self.broken_pk is None else self.failures
        return " ".join([text, *(f"Also: {failure}" for failure in more)])


def chain_verify(
    signatures: Iterable[Any],
    keys: Mapping[str, str] | None = None,
    legacy_until: int | None = None,
) -> ChainReport:
    """Walk the chain in primary-key order and report the first broken record.

    An unkeyed (plain SHA-256) signature passes only if no keyed one came before
    it and its id is at most legacy_until (SIGNING_CHAIN_LEGACY_UNTIL): the ones
    made before the upgrade, which the installation wrote down."""
    if keys is None:
        keys = chain_keys()[1]
    if legacy_until is None:
        legacy_until = getattr(settings, "SIGNING_CHAIN_LEGACY_UNTIL", 0)
    expected_previous = head = GENESIS_HASH
    head_pk = None
    count = unkeyed = 0
    seen_keyed, broken = False, None
    for signature in signatures:
        count += 1
        check = signature_check(signature, expected_previous, keys)
        if not check.keyed:
            unkeyed += 1
            legacy = not seen_keyed and signature.pk <= legacy_until
            check = replace(check, keying_ok=legacy)
        seen_keyed = seen_keyed or check.keyed
        if broken is None and not check.ok:
            broken = (signature.pk, check.problem)
        expected_previous = head = signature.signature_hash
        head_pk = signature.pk
    report = ChainReport(count=count, head=head, head_pk=head_pk, unkeyed=unkeyed)
    if broken is None:
        return report
    return replace(report, broken_pk=broken[0], problem=broken[1])
