"""Can we meet it, and who signed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from orderreview import textlimits
from orders.models import Discipline, Order, StatutoryRequirement
from requirements.models import Requirement, RequirementSet


class Review(models.Model):
    """The capability review of one submitted requirement revision."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        # Accepted and signed, waiting for the further approvers an approval rule
        # requires (reviews.approval): assessments are frozen meanwhile.
        SIGNING = "signing", "Awaiting further approvers"
        DECIDED = "decided", "Decided"
        SUPERSEDED = "superseded", "Superseded by a change"

    requirement_set = models.OneToOneField(
        RequirementSet, on_delete=models.PROTECT, related_name="review"
    )
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="reviews")
    state = models.CharField(max_length=12, choices=State, default=State.OPEN)
    due_date = models.DateField()
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["state", "due_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["open", "signing", "decided", "superseded"]),
                name="review_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.requirement_set}"


class Assessment(models.Model):
    """One (requirement, discipline) slot of a review and its verdict."""

    class Verdict(models.TextChoices):
        PENDING = "", "Not yet assessed"
        CAN_MEET = "can_meet", "Can meet"
        CONDITIONS = "conditions", "Can meet with conditions"
        CANNOT_MEET = "cannot_meet", "Cannot meet"

    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, related_name="assessments"
    )
    requirement = models.ForeignKey(
        Requirement, on_delete=models.PROTECT, related_name="assessments"
    )
    discipline = models.ForeignKey(
        Discipline, on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField(max_length=12, choices=Verdict, blank=True, default="")
    note = models.TextField(
        max_length=textlimits.NOTE,
        blank=True,
        help_text="Conditions, or the reason it cannot be met",
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assessed_at = models.DateTimeField(null=True, blank=True)
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_to",
    )
    # Why a slot is open again instead of carrying its earlier verdict: a question
    # it depends on changed, or a reviewer re-opened it (shown on the review page).
    reopened_because = models.CharField(max_length=500, blank=True)
    # Optimistic lock: a save names the version it started from; stale ones fail.
    version = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "discipline", "requirement__position", "pk"]
        indexes = [
            models.Index(fields=["discipline", "verdict"]),
            # Unassessed slots: "still to assess by" on the order list and the
            # reviewers' queues look only at these.
            models.Index(
                fields=["review", "discipline"],
                condition=Q(verdict=""),
                name="assessment_pending_idx",
            ),
        ]
        constraints = [
            textlimits.length_check("note", textlimits.NOTE, "assessment"),
            models.UniqueConstraint(
                fields=["review", "requirement", "discipline"],
                name="assessment_unique_slot",
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=["", "can_meet", "conditions", "cannot_meet"]),
                name="assessment_verdict_valid",
            ),
            models.CheckConstraint(
                condition=~Q(verdict__in=["conditions", "cannot_meet"]) | ~Q(note=""),
                name="assessment_note_when_needed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requirement} / {self.discipline}: {self.get_verdict_display()}"


class Decision(models.Model):
    """Accept or reject: exactly one per review (the one-to-one is the constraint)."""

    class Outcome(models.TextChoices):
        ACCEPT = "accept", "Accepted"
        REJECT = "reject", "Rejected"

    review = models.OneToOneField(
        Review, on_delete=models.PROTECT, related_name="decision"
    )
    outcome = models.CharField(max_length=6, choices=Outcome)
    reasons = models.TextField(blank=True, max_length=textlimits.NOTE)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at"]
        # The dashboard's recent rejections.
        indexes = [
            models.Index(fields=["outcome", "-decided_at"], name="decision_outcome_idx")
        ]
        constraints = [
            textlimits.length_check("reasons", textlimits.NOTE, "decision"),
            models.CheckConstraint(
                condition=Q(outcome="accept") | ~Q(reasons=""),
                name="decision_reject_needs_reasons",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.review.requirement_set}"


class Signature(models.Model):
    """An append-only link in the signature chain (triggers refuse UPDATE and DELETE).

    content_hash is the SHA-256 of the canonical JSON of what was signed;
    signature_hash, an HMAC under the chain key named key_id (kept outside the
    database), covers this record's own fields and previous_hash, so a record
    cannot be altered, removed or copied elsewhere without breaking the chain.
    """

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="signatures"
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    printed_name = models.CharField(max_length=300)
    meaning = models.CharField(max_length=200)
    signed_at = models.DateTimeField()
    content = models.JSONField()
    # Which builder (reviews.signing) made content: a signature is always verified
    # with the format it was made with. Rows from before formats existed are 1.
    content_format = models.PositiveSmallIntegerField(default=1)
    content_hash = models.CharField(max_length=64)
    previous_hash = models.CharField(max_length=64)
    signature_hash = models.CharField(max_length=64, unique=True)
    # Which chain key made signature_hash ('sha256-unkeyed': before keys existed).
    key_id = models.CharField(max_length=40)
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            # One chain: no two signatures may claim the same predecessor.
            models.UniqueConstraint(
                fields=["previous_hash"], name="signature_chain_linear"
            ),
        ]

    def __str__(self) -> str:
        when = f"{self.signed_at:%Y-%m-%d %H:%M} UTC"
        return f"{self.printed_name} — {self.meaning} — {when}"


class StatutoryCheck(models.Model):
    """A reviewer's confirmation that one statutory or regulatory requirement of the
    register is met (8.2.2 a 1). The entries that apply are frozen into these slots
    when the review opens; reference and title are kept as they were then, so a
    later edit of the register does not change what was confirmed."""

    class State(models.TextChoices):
        PENDING = "pending", "Not yet confirmed"
        COMPLIES = "complies", "Complies"
        NOT_APPLICABLE = "not_applicable", "Not applicable to this order"
        CANNOT_COMPLY = "cannot_comply", "Cannot comply"

    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, related_name="statutory_checks"
    )
    requirement = models.ForeignKey(
        StatutoryRequirement, on_delete=models.PROTECT, related_name="checks"
    )
    reference = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    # The register entry's version this slot was frozen from.
    requirement_version = models.PositiveIntegerField()
    discipline = models.ForeignKey(
        Discipline, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=16, choices=State, default=State.PENDING)
    note = models.TextField(
        max_length=textlimits.NOTE,
        blank=True,
        help_text="Why it does not apply, or why we cannot comply",
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_to",
    )
    # Optimistic lock, as on Assessment.
    version = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "discipline", "reference", "pk"]
        constraints = [
            textlimits.length_check("note", textlimits.NOTE, "statutorycheck"),
            models.UniqueConstraint(
                fields=["review", "requirement"], name="statutorycheck_unique_slot"
            ),
            models.CheckConstraint(
                condition=Q(
                    state__in=[
                        "pending",
                        "complies",
                        "not_applicable",
                        "cannot_comply",
                    ]
                ),
                name="statutorycheck_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["not_applicable", "cannot_comply"])
                | ~Q(note=""),
                name="statutorycheck_note_when_needed",
            ),
            # Confirmed means someone, at some time; pending means no one yet.
            models.CheckConstraint(
                condition=Q(
                    state="pending", checked_by__isnull=True, checked_at__isnull=True
                )
                | (
                    ~Q(state="pending")
                    & Q(checked_by__isnull=False, checked_at__isnull=False)
                ),
                name="statutorycheck_checked_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} / {self.discipline}: {self.get_state_display()}"


class CustomerAgreement(models.Model):
    """ISO 9001 8.2.3.1 e: the customer's answer to the conditions of a signed
    acceptance. One per decision whose review has a "can meet with conditions"
    verdict; the order is accepted only once the customer agrees.

    The conditions are a frozen snapshot of what was offered (requirement, discipline,
    note, revision and the signature's content hash), so the record shows what the
    customer answered even if nothing else is read. Only a SHA-256 of the portal
    token is stored. The communication is a data reference to the higher
    communications app (a string, no import).
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for the customer"
        AGREED = "agreed", "Agreed by the customer"
        DECLINED = "declined", "Declined by the customer"

    class Via(models.TextChoices):
        PORTAL = "portal", "Customer portal"
        PHONE = "phone", "Phone"
        EMAIL = "email", "E-mail"
        MEETING = "meeting", "Meeting"
        LETTER = "letter", "Letter"
        OTHER = "other", "Other"

    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="agreement"
    )
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="customer_agreements"
    )
    revision_number = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    # [{statement, key, discipline, note}] as offered when the decision was signed.
    conditions = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    answered_by_name = models.CharField(max_length=200, blank=True)
    answered_via = models.CharField(max_length=10, choices=Via, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # The customer's comment, or the reason they declined.
    comment = models.TextField(blank=True, max_length=textlimits.NOTE)
    # Null when the customer answered through the portal themselves.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    communication = models.ForeignKey(
        "communications.Communication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_expires_at = models.DateTimeField()
    token_used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "-created_at"], name="agreement_state_idx")
        ]
        constraints = [
            textlimits.length_check("comment", textlimits.NOTE, "customeragreement"),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "agreed", "declined"]),
                name="agreement_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    answered_via__in=[
                        "",
                        "portal",
                        "phone",
                        "email",
                        "meeting",
                        "letter",
                        "other",
                    ]
                ),
                name="agreement_via_valid",
            ),
            # Who, how, when and the documenting communication: all present once
            # answered, none while pending.
            models.CheckConstraint(
                condition=(
                    Q(
                        state="pending",
                        answered_by_name="",
                        answered_via="",
                        answered_at__isnull=True,
                        communication__isnull=True,
                    )
                    | (
                        ~Q(state="pending")
                        & ~Q(answered_by_name="")
                        & ~Q(answered_via="")
                        & Q(answered_at__isnull=False, communication__isnull=False)
                    )
                ),
                name="agreement_answered_iff_not_pending",
            ),
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(comment=""),
                name="agreement_decline_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Customer agreement to revision {self.revision_number}: {self.state}"

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING


# Approval rules live in their own module; imported here so Django registers them.
from reviews.rule_models import ApprovalRule, ApprovalSnapshot  # noqa: E402

__all__ = [
    "ApprovalRule",
    "ApprovalSnapshot",
    "Assessment",
    "CustomerAgreement",
    "Decision",
    "Review",
    "Signature",
    "StatutoryCheck",
]
