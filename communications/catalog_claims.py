"""The catalog's claims (accreditations, certifications): saved with their evidence
and expiry date, approved by a form admin, shown publicly only while approved and
valid. Each write is one transaction; the history records who and why."""

import hashlib
import uuid
from datetime import date
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from communications.attachments import attachment_check
from communications.models import CatalogClaim, Offering
from orderreview.history import attribute
from orderreview.models import User


def _evidence_store(claim: CatalogClaim, upload: UploadedFile) -> None:
    """Check the file as attachments are checked and keep it under our own name,
    with its SHA-256, so a restored or audited copy can be compared."""
    try:
        content_type = attachment_check(upload)
    except ValidationError as error:
        raise ValidationError({"evidence": error.message_dict["attachment"]}) from None
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = PurePath(upload.name or "evidence").name[:255]
    claim.evidence_name = name
    claim.evidence_type = content_type
    claim.evidence_sha256 = digest.hexdigest()
    claim.evidence.save(
        f"{uuid.uuid4().hex}{PurePath(name).suffix.lower()}", upload, save=False
    )


@transaction.atomic
def claim_save(
    *,
    claim: CatalogClaim | None,
    offering: Offering | None,
    statement: str,
    valid_until: date,
    evidence: UploadedFile | None,
    user: User,
) -> CatalogClaim:
    """Create or change a claim. A change withdraws its approval: what was approved
    is no longer what the catalog would say. Saving it unchanged changes nothing."""
    statement = statement.strip()
    errors = {}
    if not statement:
        errors["statement"] = "Say what is claimed."
    if valid_until < timezone.localdate():
        errors["valid_until"] = "This date has passed: a claim must still be valid."
    if claim is None and evidence is None:
        errors["evidence"] = "Attach the certificate or other evidence."
    if errors:
        raise ValidationError(errors)
    if claim is None:
        claim = CatalogClaim(created_by=user)
        reason = "Created"
    else:
        claim = CatalogClaim.objects.select_for_update().get(pk=claim.pk)
        if claim.withdrawn_at is not None:
            raise ValidationError("It was withdrawn: enter a new claim instead.")
        before = claim.fingerprint
        claim.offering, claim.statement = offering, statement
        claim.valid_until = valid_until
        if evidence is None and claim.fingerprint == before:
            return claim
        reason = "Changed; approval withdrawn" if claim.approved_at else "Changed"
    claim.offering = offering
    claim.statement = statement
    claim.valid_until = valid_until
    if evidence is not None:
        _evidence_store(claim, evidence)
    claim.changed_by = user
    claim.approved_by = None
    claim.approved_at = None
    attribute(claim, user=user, reason=reason)
    try:
        claim.full_clean(exclude=["evidence"])
        claim.save()
    except Exception:
        # Nothing is saved, so the file just stored belongs to nothing: remove it.
        if evidence is not None:
            claim.evidence.delete(save=False)
        raise
    return claim


@transaction.atomic
def claim_approve(*, claim: CatalogClaim, user: User, seen: str) -> CatalogClaim:
    """A form admin other than its author confirms the evidence backs the claim as
    they saw it (seen: the fingerprint on their page): it may now be shown."""
    claim = CatalogClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.withdrawn_at is not None:
        raise ValidationError("It was withdrawn.")
    if claim.approved_at is not None:
        raise ValidationError("It is already approved.")
    if seen != claim.fingerprint:
        raise ValidationError(
            "It changed since you opened it: check it again before approving."
        )
    if claim.expired_on(timezone.localdate()):
        raise ValidationError(
            "It expired: renew the evidence and its date before approving it."
        )
    if claim.changed_by_id == user.pk and not settings.REVIEW_ALLOW_SELF_APPROVAL:
        raise ValidationError(
            "You wrote this version of the claim: another form admin approves it."
        )
    claim.approved_by = user
    claim.approved_at = timezone.now()
    attribute(claim, user=user, reason="Approved")
    claim.save()
    return claim


@transaction.atomic
def claim_withdraw(*, claim: CatalogClaim, user: User) -> CatalogClaim:
    """The claim is no longer made (certificate dropped or suspended): the catalog
    never shows it again; it stays on file with its evidence and history."""
    claim = CatalogClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.withdrawn_at is not None:
        raise ValidationError("It is already withdrawn.")
    claim.withdrawn_by = user
    claim.withdrawn_at = timezone.now()
    attribute(claim, user=user, reason="Withdrawn")
    claim.save()
    return claim
