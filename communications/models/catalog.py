"""The catalog: what we offer, and the claims it makes with their evidence."""

import hashlib
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from orderreview import textlimits
from orders.models import OrderForm, StatutoryRequirement


class Offering(models.Model):
    """A catalog entry (8.2.1 a): what we offer, and the order form to ask for it."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=textlimits.NOTE)
    order_form = models.ForeignKey(
        OrderForm, on_delete=models.PROTECT, related_name="offerings"
    )
    active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    # Shown on the public catalog as its applicable regulations; they also apply to
    # orders of its order form (orders.regulations.selectors).
    statutory_requirements = models.ManyToManyField(
        StatutoryRequirement, related_name="offerings", blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name", "pk"]
        indexes = [models.Index(fields=["active", "position"])]
        constraints = [
            textlimits.length_check("description", textlimits.NOTE, "offering"),
        ]

    def __str__(self) -> str:
        return self.name


def claim_evidence_path(instance: "CatalogClaim", filename: str) -> str:
    # Our own name, never the uploader's (see CatalogClaim.evidence_name).
    return f"catalog-claims/{filename}"


class CatalogClaim(models.Model):
    """A claim the catalog makes (8.2.1 a, 8.2.2): an accreditation, certification or
    approval, for the whole company or one offering. It carries its evidence and an
    expiry date, is shown publicly only once a form admin approved it and until it
    expires, and any edit withdraws the approval."""

    offering = models.ForeignKey(
        Offering,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
    )
    statement = models.CharField(max_length=200)
    evidence = models.FileField(upload_to=claim_evidence_path, max_length=300)
    evidence_name = models.CharField(max_length=255)
    evidence_type = models.CharField(max_length=100)
    evidence_sha256 = models.CharField(max_length=64)
    valid_until = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Who last created or changed it: not the one to approve it (four eyes).
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # A claim no longer made (certificate dropped or suspended): never shown again.
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["valid_until", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True, approved_at__isnull=True)
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="catalogclaim_approval_complete",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_by__isnull=True, withdrawn_at__isnull=True)
                | Q(withdrawn_by__isnull=False, withdrawn_at__isnull=False),
                name="catalogclaim_withdrawal_complete",
            ),
            models.CheckConstraint(
                condition=Q(evidence_sha256__regex=r"^[0-9a-f]{64}$"),
                name="catalogclaim_evidence_hashed",
            ),
        ]

    def __str__(self) -> str:
        return self.statement

    def get_absolute_url(self) -> str:
        return reverse("communications:claim_edit", args=[self.pk])

    def expired_on(self, day: date) -> bool:
        return self.valid_until < day

    @property
    def fingerprint(self) -> str:
        """What an approval covers: the wording, the offering, the date and the
        evidence. An approval posts the fingerprint its approver saw."""
        seen = f"{self.statement}|{self.offering_id}|{self.valid_until}|"
        return hashlib.sha256((seen + self.evidence_sha256).encode()).hexdigest()[:32]
