"""Reads of the catalog's claims."""

from datetime import date, timedelta

from django.db.models import F, Q, QuerySet

from communications.models import CatalogClaim, Offering

# How long before its expiry a claim is flagged to form admins.
EXPIRY_WARNING = timedelta(days=30)
ATTENTION_SHOWN = 10


def claims_public(today: date) -> list[CatalogClaim]:
    """What the public catalog may say: approved and still valid. One query."""
    return list(
        CatalogClaim.objects.filter(
            approved_at__isnull=False,
            withdrawn_at__isnull=True,
            valid_until__gte=today,
        )
        .only("offering_id", "statement", "valid_until")
        .order_by("statement", "pk")
    )


def offerings_with_claims(offerings: list[Offering], today: date) -> list[CatalogClaim]:
    """Hang each offering's public claims on it (offering.public_claims); returns
    the claims for the whole company."""
    claims = claims_public(today)
    for offering in offerings:
        offering.public_claims = [c for c in claims if c.offering_id == offering.pk]
    return [claim for claim in claims if claim.offering_id is None]


def claims_all() -> QuerySet[CatalogClaim]:
    """Claims still made first, each by its date; withdrawn ones last."""
    return CatalogClaim.objects.select_related(
        "offering", "created_by", "changed_by", "approved_by", "withdrawn_by"
    ).order_by(F("withdrawn_at").asc(nulls_first=True), "valid_until", "pk")


def claims_needing_attention(today: date) -> list[CatalogClaim]:
    """Claims a form admin must act on, most urgent first: expired, expiring
    soon, or not approved (withdrawn ones need nothing)."""
    return list(
        claims_all()
        .filter(withdrawn_at__isnull=True)
        .filter(Q(valid_until__lt=today + EXPIRY_WARNING) | Q(approved_at__isnull=True))
        .order_by("valid_until", "pk")[:ATTENTION_SHOWN]
    )
