"""Disposal of records past their retention period (ISO 9001 7.5.3.2 c/d).

The audit app otherwise has no tables of its own: it reads the history of every
other app. (A models module is also what makes Django send post_migrate here, and
the history triggers of audit.guard are installed on post_migrate.)
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from communications.models import Communication
from orderreview import textlimits
from orders.models import Order


class Disposal(models.Model):
    """One record past retention, asked to be disposed of, approved or refused by
    someone else, then carried out. Once carried out (or refused) the row is a
    tombstone the database refuses to change or delete (migration 0001)."""

    class RecordType(models.TextChoices):
        # The retention report's groups: each has its own period and clock.
        ORDER = "orders", "Order"
        COMMUNICATION = "communications", "Communication"
        COMPLAINT = "complaints", "Feedback or complaint"

    class State(models.TextChoices):
        REQUESTED = "requested", "Requested"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        DISPOSED = "disposed", "Disposed"

    # States in which a record has a disposal under way or done: at most one.
    STANDING = (State.REQUESTED, State.APPROVED, State.DISPOSED)

    record_type = models.CharField(max_length=20, choices=RecordType)
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    communication = models.ForeignKey(
        Communication,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # How the record is named once its content is gone: "SO-2026-000042",
    # "Complaint #12 of ACME (2019-05-01)".
    record_label = models.CharField(max_length=200)
    # The rule it was past when asked: "Orders: kept 10 years from the order's
    # last decision (past it since 2025-03-01)".
    retention_rule = models.CharField(max_length=300)
    state = models.CharField(max_length=10, choices=State, default=State.REQUESTED)
    reason = models.TextField(max_length=textlimits.NOTE)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField(blank=True, max_length=textlimits.NOTE)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    executed_at = models.DateTimeField(null=True, blank=True)
    # What was removed: {"rows": [{"model", "pk", "fields"}], "files": [{"path",
    # "name", "sha256", "size", "named_by"}]}, written when it is carried out.
    removed = models.JSONField(default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            textlimits.length_check("reason", textlimits.NOTE, "disposal"),
            textlimits.length_check("refusal_reason", textlimits.NOTE, "disposal"),
            models.CheckConstraint(
                condition=Q(
                    record_type="orders",
                    order__isnull=False,
                    communication__isnull=True,
                )
                | Q(
                    record_type__in=["communications", "complaints"],
                    order__isnull=True,
                    communication__isnull=False,
                ),
                name="disposal_one_record_of_its_type",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["requested", "approved", "refused", "disposed"]),
                name="disposal_state_valid",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="disposal_reason"),
            # Four eyes: whoever asked does not decide.
            models.CheckConstraint(
                condition=Q(state="requested", decided_by__isnull=True)
                | (
                    Q(decided_by__isnull=False, decided_at__isnull=False)
                    & ~Q(decided_by=F("requested_by"))
                ),
                name="disposal_decided_by_another",
            ),
            models.CheckConstraint(
                condition=~Q(state="refused") | ~Q(refusal_reason=""),
                name="disposal_refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(state="disposed", executed_at__isnull=False)
                | Q(~Q(state="disposed"), executed_at__isnull=True),
                name="disposal_executed_iff_disposed",
            ),
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(state__in=["requested", "approved", "disposed"]),
                name="disposal_one_standing_per_order",
            ),
            models.UniqueConstraint(
                fields=["communication"],
                condition=Q(state__in=["requested", "approved", "disposed"]),
                name="disposal_one_standing_per_communication",
            ),
        ]

    def __str__(self) -> str:
        return f"Disposal #{self.pk} of {self.record_label}"

    def get_absolute_url(self) -> str:
        return reverse("audit:disposal_detail", args=[self.pk])

    @property
    def record(self) -> Order | Communication:
        if self.record_type == self.RecordType.ORDER:
            return self.order
        return self.communication

    @property
    def summary(self) -> str:
        """How the record's page and verify_signatures name it."""
        if self.state != self.State.DISPOSED:
            return f"disposal {self.get_state_display().lower()}"
        approver = self.decided_by.printed_name
        return (
            f"disposed on {self.executed_at:%Y-%m-%d} under retention rule "
            f"“{self.retention_rule}”, approved by {approver} on "
            f"{self.decided_at:%Y-%m-%d}"
        )
