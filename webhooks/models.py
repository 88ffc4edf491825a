"""Webhook endpoints an integrations admin registers, and what was sent to them.

A delivery is one event for one endpoint: its JSON body is fixed when the event
happens (only that order's data), signed when it is sent (with the endpoint's
secret of that moment), and every attempt is logged with its HTTP status and time.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from orderreview import textlimits

URL_MAX_LENGTH = 500
EXCERPT_MAX_LENGTH = 500


class EventType(models.TextChoices):
    ORDER_SUBMITTED = "order.submitted", "Order submitted"
    CHANGE_ORDER_SUBMITTED = "change_order.submitted", "Change order submitted"
    REVIEW_DECIDED = "review.decided", "Review decided (accepted or rejected)"
    CHANGE_ORDER_DECIDED = "change_order.decided", "Change order decided"
    NOTICE_FAILED = "notice.failed", "Notice to a customer failed"


# A ping is sent to one endpoint by hand; nobody subscribes to it.
PING = "ping"
DELIVERY_EVENT_CHOICES = [*EventType.choices, (PING, "Test ping")]


class WebhookEndpoint(models.Model):
    url = models.CharField("URL", max_length=URL_MAX_LENGTH)
    description = models.CharField(max_length=textlimits.LABEL, blank=True)
    # Generated here, never typed in: shown to integrations admins on the page.
    secret = models.CharField(max_length=80)
    events = ArrayField(models.CharField(max_length=40, choices=EventType.choices))
    # Set: only this customer's orders are sent (an ERP of one customer's own).
    customer = models.ForeignKey(
        "orders.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
    )
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(url__regex=r"^https?://[^/?#\s]+"),
                name="webhook_endpoint_url_http",
            ),
            models.CheckConstraint(
                condition=Q(secret__regex=r"^whsec_[A-Za-z0-9_-]{32,}$"),  # noqa: S106
                name="webhook_endpoint_secret_generated",
            ),
            models.CheckConstraint(
                condition=Q(events__len__gt=0)
                & Q(events__contained_by=EventType.values),
                name="webhook_endpoint_events_known",
            ),
        ]

    def __str__(self) -> str:
        return self.description or self.url

    def get_absolute_url(self) -> str:
        return reverse("webhooks:endpoint_detail", args=[self.pk])

    def event_labels(self) -> list[str]:
        labels = dict(EventType.choices)
        return [labels.get(event, event) for event in self.events]


class WebhookDelivery(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SUCCEEDED = "succeeded", "Succeeded"
        # The last attempt failed; the next one is at next_attempt_at.
        FAILED = "failed", "Failed, will retry"
        GIVEN_UP = "given_up", "Given up"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Sent as OrderReview-Delivery: a re-send is a new delivery of the same event.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(max_length=40, choices=DELIVERY_EVENT_CHOICES)
    # The event's id (the body's "id"): the same on a re-send, so that a receiver
    # can tell it has seen the event before.
    event_id = models.UUIDField()
    payload = models.JSONField()
    # Which customer's order the event is about (None for a ping): what the
    # endpoint's customer restriction is checked against.
    customer = models.ForeignKey(
        "orders.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resent_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_response_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=EXCERPT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["endpoint", "-created_at", "-id"], name="webhook_delivery_page"
            ),
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state__in=["queued", "failed"]),
                name="webhook_delivery_due",
            ),
        ]
        constraints = [
            # One delivery per event and endpoint; re-sends point at the first.
            models.UniqueConstraint(
                fields=["endpoint", "event_id"],
                condition=Q(resent_from__isnull=True),
                name="webhook_delivery_once_per_event",
            ),
            # Waiting rows know when; finished rows wait for nothing.
            models.CheckConstraint(
                condition=Q(
                    state__in=["queued", "failed"], next_attempt_at__isnull=False
                )
                | (
                    ~Q(state__in=["queued", "failed"]) & Q(next_attempt_at__isnull=True)
                ),
                name="webhook_delivery_waiting_has_due_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="sending") | Q(sending_started_at__isnull=False),
                name="webhook_delivery_sending_has_start",
            ),
            models.CheckConstraint(
                condition=Q(state="queued") | Q(attempts__gt=0),
                name="webhook_delivery_tried_unless_queued",
            ),
            models.CheckConstraint(
                condition=Q(
                    event_type__in=[value for value, _ in DELIVERY_EVENT_CHOICES]
                ),
                name="webhook_delivery_event_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint}"

    def get_absolute_url(self) -> str:
        return reverse("webhooks:delivery_detail", args=[self.pk])


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery: the log on the delivery's page."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    # None: no HTTP answer (refused address, timeout, connection error).
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_ms = models.PositiveIntegerField(null=True, blank=True)
    succeeded = models.BooleanField(default=False)
    # What the receiver answered or what went wrong, cut short (shown escaped).
    excerpt = models.CharField(max_length=EXCERPT_MAX_LENGTH, blank=True)
    # Like every model of a tracked app (audit.registry): written once, so its
    # history is its one "created" row.
    history = HistoricalRecords()

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"], name="webhook_attempt_number_once"
            ),
            models.CheckConstraint(
                condition=Q(number__gt=0), name="webhook_attempt_number_positive"
            ),
            models.CheckConstraint(
                condition=Q(succeeded=False)
                | Q(status_code__gte=200, status_code__lt=300),
                name="webhook_attempt_success_is_2xx",
            ),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number} of {self.delivery_id}"
