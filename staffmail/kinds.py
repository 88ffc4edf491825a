"""What staff are told by e-mail, and how each person wants to hear of it."""

from django.db import models


class Kind(models.TextChoices):
    REVIEW_OPENED = "review_opened", "A review waits on my discipline"
    READY_TO_SIGN = "ready_to_sign", "A review is ready to sign (approvers)"
    DECIDED = "decided", "An order or change I entered was decided"
    CUSTOMER_ANSWERED = (
        "customer_answered",
        "The customer answered the conditions of an order or change I entered",
    )
    QUOTE_ANSWERED = (
        "quote_answered",
        "The customer accepted a quote I entered, or asked to change it",
    )
    CHANGE_SUBMITTED = "change_submitted", "A change I must acknowledge"
    NOTICE_FAILED = "notice_failed", "A notice to a customer failed (customer service)"
    REMINDER = "reminder", "Reminder on a review's due date"
    ESCALATION = "escalation", "A review is overdue (escalation)"
    DIGEST = "digest", "Daily digest"


class Mode(models.TextChoices):
    IMMEDIATELY = "immediately", "Immediately"
    DIGEST = "digest", "In my daily digest"
    OFF = "off", "Off"


# The kinds a person chooses for; a digest is what the digest mode sends.
CHOOSABLE = [kind for kind in Kind if kind != Kind.DIGEST]
