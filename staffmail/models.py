"""E-mail to staff: one row per message, so what each person was told is on file
and no reminder is ever sent twice (dedupe_key is unique)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from orders.models import Order
from reviews.models import Review
from staffmail.kinds import Kind, Mode

# Why a reminder or a "waits on you" message was not sent after all.
REVIEW_CLOSED = "the review was decided or superseded first"


class StaffMessage(models.Model):
    class State(models.TextChoices):
        # Waiting for the worker; held for the recipient's daily digest; sent;
        # given up after the retries; not sent (turned off, or no longer true).
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        HELD = "held", "Held for the digest"
        IN_DIGEST = "in_digest", "Sent in a digest"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Not sent"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind)
    # What makes two messages the same one: an event or a reminder is told once.
    dedupe_key = models.CharField(max_length=200, unique=True)
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Reminders and "waits on you" messages are not sent once their review is
    # decided or superseded.
    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(max_length=250)
    body = models.TextField(max_length=20000)
    state = models.CharField(max_length=10, choices=State, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=2000, blank=True)
    skipped_because = models.CharField(max_length=200, blank=True)
    digest = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="parts"
    )
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(state="held"),
                name="staffmessage_held_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    state__in=[
                        "queued",
                        "sending",
                        "held",
                        "in_digest",
                        "sent",
                        "failed",
                        "skipped",
                    ]
                ),
                name="staffmessage_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in Kind]),
                name="staffmessage_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False),
                name="staffmessage_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="in_digest") | Q(digest__isnull=False),
                name="staffmessage_in_digest_names_it",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient}: {self.subject}"


class MailPreferences(models.Model):
    """How one person hears of each kind (kind -> mode; a missing kind is
    immediately) and the hour of their daily digest (site time)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    modes = models.JSONField(default=dict, blank=True)
    digest_hour = models.PositiveSmallIntegerField(default=8)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(digest_hour__gte=0, digest_hour__lte=23),
                name="mailpreferences_digest_hour_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"E-mail preferences of {self.user}"

    def mode(self, kind: str) -> str:
        mode = self.modes.get(kind, Mode.IMMEDIATELY)
        if kind in settings.STAFF_MAIL_MANDATORY and mode == Mode.OFF:
            return Mode.IMMEDIATELY
        return mode if mode in Mode.values else Mode.IMMEDIATELY
