"""The notices we send the customer, and their editable templates."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from communications.models.log import Communication
from orderreview import textlimits
from orders.models import Customer, Order


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
