"""The communication log: everything said to and by the customer, with files."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from orderreview import textlimits
from orders.models import Customer, Order


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
            # With the date: the dashboard's open-complaints summary counts and
            # ages them from the index alone.
            models.Index(
                fields=["kind", "follow_up", "occurred_at"],
                name="communication_open_kind_idx",
            ),
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
    # Of the stored bytes, so a client or an auditor can compare a copy; empty only
    # for a file that was already missing from storage when hashes were filled in.
    sha256 = models.CharField(max_length=64, blank=True, default="")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["communication", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^([0-9a-f]{64})?$"),
                name="communicationattachment_sha256_hex",
            )
        ]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("communications:attachment_download", args=[self.pk])
