"""Everything said to and by the customer, the notices we send, and the catalog."""

import hashlib
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from orderreview import textlimits
from orders.models import Customer, Order, OrderForm


class Communication(models.Model):
    """One conversation with a customer (ISO 9001 8.2.1), optionally about an order."""

    class Direction(models.TextChoices):
        INBOUND = "in", "From the customer"
        OUTBOUND = "out", "To the customer"

    class Channel(models.TextChoices):
        # How this conversation took place. Not orders.models.Channel (how an order
        # arrived, signed with it, EDI included): a meeting or a letter is a
        # conversation but never an order's channel, so the two lists stay apart.
        PHONE = "phone", "Phone"
        EMAIL = "email", "E-mail"
        MEETING = "meeting", "Meeting"
        LETTER = "letter", "Letter"
        WEB_PORTAL = "web_portal", "Web portal"
        OTHER = "other", "Other"

    class Kind(models.TextChoices):
        ENQUIRY = "enquiry", "Enquiry"
        QUOTE = "quote", "Quote"
        ORDER_ACKNOWLEDGEMENT = "order_acknowledgement", "Order acknowledgement"
        CHANGE_NOTICE = "change_notice", "Change notice"
        DECISION_NOTICE = "decision_notice", "Decision notice"
        FEEDBACK = "feedback", "Feedback"
        COMPLAINT = "complaint", "Complaint"
        CUSTOMER_PROPERTY = "customer_property", "Customer property"
        CONTINGENCY = "contingency", "Contingency"
        OTHER = "other", "Other"

    class FollowUp(models.TextChoices):
        NONE = "", "No follow-up"
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        CLOSED = "closed", "Closed"

    # Feedback and complaints (8.2.1 c) are followed up until closed; nothing else is.
    FOLLOW_UP_KINDS = (Kind.FEEDBACK, Kind.COMPLAINT)

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="communications"
    )
    order = models.ForeignKey(
        Order,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="communications",
    )
    direction = models.CharField(max_length=3, choices=Direction)
    channel = models.CharField(max_length=12, choices=Channel)
    kind = models.CharField(max_length=24, choices=Kind)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=textlimits.BODY)
    occurred_at = models.DateTimeField()
    # Null for what the system recorded itself (notices sent by the worker).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    follow_up = models.CharField(
        max_length=12, choices=FollowUp, blank=True, default=FollowUp.NONE
    )
    resolution = models.TextField(blank=True, max_length=textlimits.NOTE)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["-occurred_at", "-id"]),
            models.Index(fields=["customer", "-occurred_at"]),
            models.Index(fields=["order", "-occurred_at"]),
            models.Index(fields=["kind", "follow_up"]),
        ]
        constraints = [
            textlimits.length_check("body", textlimits.BODY, "communication"),
            textlimits.length_check("resolution", textlimits.NOTE, "communication"),
            models.CheckConstraint(
                condition=Q(direction__in=["in", "out"]),
                name="communication_direction_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=["feedback", "complaint"],
                    follow_up__in=["open", "in_progress", "closed"],
                )
                | (~Q(kind__in=["feedback", "complaint"]) & Q(follow_up="")),
                name="communication_follow_up_for_feedback_only",
            ),
            models.CheckConstraint(
                condition=~Q(follow_up="closed")
                | (
                    ~Q(resolution="")
                    & Q(closed_by__isnull=False)
                    & Q(closed_at__isnull=False)
                ),
                name="communication_closed_needs_resolution",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("communications:communication_detail", args=[self.pk])

    @property
    def needs_follow_up(self) -> bool:
        return self.follow_up in (self.FollowUp.OPEN, self.FollowUp.IN_PROGRESS)


def attachment_path(instance: "CommunicationAttachment", filename: str) -> str:
    # The stored name is ours, never the uploader's: no path tricks, no clashes.
    return f"communications/{instance.communication_id}/{filename}"


class CommunicationAttachment(models.Model):
    """A file kept with a communication, under MEDIA_ROOT, served only by a view."""

    communication = models.ForeignKey(
        Communication, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["communication", "pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("communications:attachment_download", args=[self.pk])


class Offering(models.Model):
    """A catalog entry (8.2.1 a): what we offer, and the order form to ask for it."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=textlimits.NOTE)
    order_form = models.ForeignKey(
        OrderForm, on_delete=models.PROTECT, related_name="offerings"
    )
    active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name", "pk"]
        indexes = [models.Index(fields=["active", "position"])]
        constraints = [
            textlimits.length_check("description", textlimits.NOTE, "offering"),
        ]

    def __str__(self) -> str:
        return self.name


class NoticeKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", "Order acknowledgement"
    ACCEPTANCE = "acceptance", "Acceptance"
    REJECTION = "rejection", "Rejection"
    CHANGE = "change", "Change notice"
    # To whoever asked through the public catalog: their reference, at once.
    RECEIPT = "receipt", "Catalog request receipt"


class NoticeTemplate(models.Model):
    """Subject and body of one kind of notice, as Django template text."""

    kind = models.CharField(max_length=20, choices=NoticeKind, unique=True)
    subject = models.CharField(max_length=300)
    body = models.TextField(max_length=textlimits.BODY)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]
        constraints = [
            textlimits.length_check("body", textlimits.BODY, "noticetemplate"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def get_absolute_url(self) -> str:
        return reverse("communications:template_edit", args=[self.kind])


class OutboundNotice(models.Model):
    """An e-mail to a customer, rendered when queued and sent by a background task."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        # Handed to the mail server (committed before it is): never sent again
        # by a worker, whatever happens next.
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        # The worker stopped while sending: it may or may not have gone out.
        UNCERTAIN = "uncertain", "Uncertain: check before resending"

    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="outbound_notices"
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="outbound_notices"
    )
    kind = models.CharField(max_length=20, choices=NoticeKind)
    # The requirement revision the notice is about: one notice per event.
    revision_number = models.PositiveIntegerField()
    to_address = models.EmailField(blank=True)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    # What the template was rendered with, so a retry renders again with the
    # customer's current details and the current template (plain JSON data only).
    context = models.JSONField(default=dict, blank=True)
    # What was attempted before a retry re-rendered the notice: each entry keeps the
    # recipient, subject, text and error of that attempt, oldest first.
    earlier_attempts = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    communication = models.OneToOneField(
        Communication,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notice",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["-created_at", "-id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "queued",
                        "sending",
                        "sent",
                        "failed",
                        "cancelled",
                        "uncertain",
                    ]
                ),
                name="notice_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent")
                | (Q(sent_at__isnull=False) & Q(communication__isnull=False)),
                name="notice_sent_is_logged",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_address or '(no address)'}"

    def get_absolute_url(self) -> str:
        return reverse("communications:notice_detail", args=[self.pk])

    @property
    def can_retry(self) -> bool:
        # An uncertain notice is resent only by a person who checked it did not
        # arrive: a worker never resends it.
        return self.status in (
            self.Status.QUEUED,
            self.Status.FAILED,
            self.Status.UNCERTAIN,
        )

    @property
    def can_cancel(self) -> bool:
        return self.status in (
            self.Status.QUEUED,
            self.Status.FAILED,
            self.Status.UNCERTAIN,
        )


class CustomerProperty(models.Model):
    """Something the customer lent us for their order (ISO 9001 8.5.3, asked for in
    8.2.1 d): material, tooling, drawings, data. The register says what came, when,
    in what condition and where it is; loss, damage or unsuitability is reported to
    the customer (a communication on file) and followed up until closed."""

    class Kind(models.TextChoices):
        MATERIAL = "material", "Material"
        TOOLING = "tooling", "Tooling or gauges"
        DRAWINGS = "drawings", "Drawings or specifications"
        DATA = "data", "Data"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        HELD = "held", "Held"
        RETURNED = "returned", "Returned to the customer"
        INCORPORATED = "incorporated", "Used in the product"
        LOST = "lost", "Lost"
        DAMAGED = "damaged", "Damaged"
        UNSUITABLE = "unsuitable", "Found unsuitable"

    # States that must be reported to the customer (8.5.3).
    PROBLEMS = (Status.LOST, Status.DAMAGED, Status.UNSUITABLE)

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="property_items"
    )
    order = models.ForeignKey(
        Order,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="customer_property",
    )
    kind = models.CharField(max_length=12, choices=Kind)
    description = models.CharField(max_length=200)
    received_on = models.DateField()
    condition_on_receipt = models.TextField(max_length=textlimits.NOTE)
    location = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=Status, default=Status.HELD)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # The communication that told the customer of a loss, damage or unsuitability.
    problem_report = models.OneToOneField(
        Communication,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="property_item",
    )
    resolution = models.TextField(blank=True, max_length=textlimits.NOTE)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "customer property"
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["-received_on", "-id"]),
            models.Index(fields=["order", "-received_on"]),
            models.Index(fields=["customer", "-received_on"]),
        ]
        constraints = [
            textlimits.length_check(
                "condition_on_receipt", textlimits.NOTE, "customerproperty"
            ),
            textlimits.length_check("resolution", textlimits.NOTE, "customerproperty"),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "held",
                        "returned",
                        "incorporated",
                        "lost",
                        "damaged",
                        "unsuitable",
                    ]
                ),
                name="customerproperty_status_valid",
            ),
            # A problem is never silent: it has its report to the customer (kept
            # when the item later goes back or is used).
            models.CheckConstraint(
                condition=~Q(status__in=["lost", "damaged", "unsuitable"])
                | Q(problem_report__isnull=False),
                name="customerproperty_problem_reported",
            ),
            # Closing a problem's follow-up says how, by whom and when.
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, resolved_by__isnull=True)
                | (
                    Q(problem_report__isnull=False)
                    & Q(resolved_at__isnull=False)
                    & Q(resolved_by__isnull=False)
                    & ~Q(resolution="")
                ),
                name="customerproperty_resolution_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"

    def get_absolute_url(self) -> str:
        return reverse("communications:property_detail", args=[self.pk])

    @property
    def problem_open(self) -> bool:
        return self.problem_report_id is not None and self.resolved_at is None


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
