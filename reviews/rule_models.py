"""Approval rules (who must sign an acceptance) and the snapshot of them each
signature carries. Imported by reviews.models so Django registers them."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from orderreview import roles


class ApprovalRule(models.Model):
    """A rule a form admin defines: when its conditions all hold for a review, its
    acceptance is final only once the required approvers have signed it.

    conditions is a list of {"kind": ..., params}: the kinds and their parameters
    are in reviews.approval_conditions (one small class a kind)."""

    class AppliesTo(models.TextChoices):
        """What a rule can cover: each is one of the rule's applies_to_* fields."""

        ORDERS = "orders", "Orders (first revision)"
        QUOTES = "quotes", "Quotes"
        CHANGES = "changes", "Change orders (later revisions of an order)"

    name = models.CharField(max_length=200, unique=True)
    active = models.BooleanField(default=True)
    # What the rule covers (all by default); at least one (a constraint).
    applies_to_orders = models.BooleanField(default=True, db_default=True)
    applies_to_quotes = models.BooleanField(default=True, db_default=True)
    applies_to_changes = models.BooleanField(default=True, db_default=True)
    conditions = models.JSONField(default=list, blank=True)
    approvers_required = models.PositiveSmallIntegerField(
        default=1, help_text="Distinct approvers who must sign"
    )
    role_required = models.CharField(
        max_length=40,
        blank=True,
        help_text="One of the approvers must hold this role (blank: any approver)",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-active", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approvers_required__gte=1, approvers_required__lte=10),
                name="approvalrule_approvers_range",
            ),
            models.CheckConstraint(
                condition=Q(applies_to_orders=True)
                | Q(applies_to_quotes=True)
                | Q(applies_to_changes=True),
                name="approvalrule_applies_to_something",
            ),
            models.CheckConstraint(
                condition=Q(role_required__in=["", *roles.ALL_ROLES]),
                name="approvalrule_role_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def applies_to(self) -> list[str]:
        """The AppliesTo values the rule covers."""
        return [
            kind
            for kind in self.AppliesTo.values
            if getattr(self, f"applies_to_{kind}")
        ]

    @property
    def applies_to_display(self) -> str:
        """What the rule covers in words: "Orders, quotes and change orders"."""
        names = {
            self.AppliesTo.ORDERS: "orders",
            self.AppliesTo.QUOTES: "quotes",
            self.AppliesTo.CHANGES: "change orders",
        }
        words = [names[kind] for kind in self.applies_to]
        if len(words) > 1:
            words = [", ".join(words[:-1]) + " and " + words[-1]]
        return "".join(words).capitalize()


class ApprovalSnapshot(models.Model):
    """What the approval rules said when one signature was made (append-only):
    each rule that applied as it was then (its history version), why it applied,
    and who had satisfied it with this signature; and the roles the signer held.

    mac is an HMAC under the signature chain key (key_id) of this content and the
    signature's own signature_hash, so the snapshot cannot be edited, or moved to
    another signature, without reviews.approval.snapshot_intact noticing."""

    # No database foreign key: like a history row, the snapshot must not stand in
    # the way of verification finding a signature removed around the application
    # (the HMAC ties it to its signature; an orphan proves nothing).
    signature = models.OneToOneField(
        "reviews.Signature",
        on_delete=models.PROTECT,
        related_name="approval",
        db_constraint=False,
    )
    rules = models.JSONField(default=list)
    signer_roles = models.JSONField(default=list)
    satisfied = models.BooleanField()
    mac = models.CharField(max_length=64)
    key_id = models.CharField(max_length=40)
    created_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Approval rules at signature #{self.signature_id}"
