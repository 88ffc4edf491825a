"""Who ordered what, with which form version, and the customer's link to a draft."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from orderreview import textlimits
from orders.models.forms import OrderFormVersion
from orders.money import money_display


class Channel(models.TextChoices):
    """How an order or a change to it reached us: a fact of the order, signed as
    part of its content. Not communications' Communication.Channel, which says how
    one conversation took place (meetings and letters, never EDI): the lists differ
    and so do their stored values' meaning."""

    PHONE = "phone", "Phone"
    EMAIL = "email", "E-mail"
    WEB_PORTAL = "web_portal", "Web portal"
    IN_PERSON = "in_person", "In person"
    EDI = "edi", "EDI / API"


class Customer(models.Model):
    name = models.CharField(max_length=200)
    account_code = models.CharField(max_length=40, unique=True)
    contact_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    address = models.TextField(blank=True, max_length=textlimits.NOTE)
    notes = models.TextField(blank=True, max_length=textlimits.NOTE)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]
        constraints = [
            textlimits.length_check("address", textlimits.NOTE, "customer"),
            textlimits.length_check("notes", textlimits.NOTE, "customer"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.account_code})"

    def get_absolute_url(self) -> str:
        return reverse("orders:customer_detail", args=[self.pk])


class Order(models.Model):
    """An order. Its status is stored for fast lists and changed only by
    orders.services.order_status_set."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_REVIEW = "awaiting_review", "Awaiting review"
        IN_REVIEW = "in_review", "In review"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        # ISO 9001 8.2.3.1 e: an acceptance with conditions is a counter-offer;
        # the order is accepted once the customer agrees to them.
        AWAITING_AGREEMENT = "awaiting_agreement", "Awaiting customer agreement"
        CONDITIONS_DECLINED = "conditions_declined", "Conditions declined"

    class Kind(models.TextChoices):
        """ISO 9001 8.2.3: quotations are reviewed before committing, as orders are."""

        ORDER = "order", "Order"
        QUOTE = "quote", "Quote"

    # Statuses after a decision was signed: the requirements are no longer
    # confirmed, only changed through a change order.
    DECIDED_STATUSES = (
        Status.ACCEPTED,
        Status.REJECTED,
        Status.AWAITING_AGREEMENT,
        Status.CONDITIONS_DECLINED,
    )

    number = models.CharField(max_length=30, unique=True, editable=False)
    # A quote has its own numbers (QU-...) and a validity date; it is entered,
    # reviewed and signed as an order is. Never changes once created.
    kind = models.CharField(
        max_length=10, choices=Kind, default=Kind.ORDER, db_default=Kind.ORDER
    )
    valid_until = models.DateField(
        null=True, blank=True, help_text="Until when the quote holds."
    )
    # The quote an order was made from: its reviewed requirements are what the
    # order is compared with ("differs from quote").
    quote = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders_from_quote",
        limit_choices_to={"kind": "quote"},
    )
    # The warning recorded when an order was made from an expired quote: why.
    quote_note = models.TextField(blank=True, max_length=textlimits.NOTE)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="orders"
    )
    form_version = models.ForeignKey(
        OrderFormVersion, on_delete=models.PROTECT, related_name="orders"
    )
    channel = models.CharField(max_length=20, choices=Channel)
    customer_reference = models.CharField(max_length=100, blank=True)
    requested_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT)
    # An accepted order whose change order is being reviewed stays accepted (what
    # was agreed still holds); this says a change is in review. order_status_set
    # sets it with the status.
    change_in_review = models.BooleanField(default=False, db_default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # ISO 9001 8.2.3.1: with no documented statement from the customer, the
    # requirements must be confirmed with them before acceptance.
    documented_statement = models.BooleanField(
        default=True,
        help_text="The customer gave a documented statement of requirements "
        "(purchase order, e-mail, portal form).",
    )
    # Legacy, read only: the order-level confirmation of old. Confirmations are per
    # revision now (requirements.RevisionConfirmation); requirements migration 0007
    # copied these there. Kept so the order's history stays as it was.
    confirmation_method = models.CharField(max_length=200, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Catalog requests come from unknown visitors: staff confirm who the customer is.
    customer_to_confirm = models.BooleanField(default=False)
    contact_details = models.JSONField(default=dict, blank=True)
    # From the form's answer mapped to it: customer notices go here when set.
    contact_email = models.EmailField(blank=True)
    # What the order is worth, from its latest submitted revision's answers and the
    # form's value setting (orders.money_value); null when the form says nothing.
    value = models.DecimalField(max_digits=18, decimal_places=3, null=True, blank=True)
    value_currency = models.CharField(max_length=3, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["channel", "-created_at"]),
            models.Index(fields=["-created_at", "-id"]),
            models.Index(fields=["customer_reference"]),
            models.Index(fields=["kind", "-created_at", "-id"], name="order_kind_idx"),
            # The list's "requested date" sort, and the home queue of orders
            # whose customer or requirements need confirming (few among many).
            models.Index(
                fields=["requested_date", "-created_at", "-id"],
                name="order_requested_idx",
            ),
            # The list's "value" sort.
            models.Index(
                fields=["-value_currency", "-value", "-created_at", "-id"],
                name="order_value_idx",
            ),
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(customer_to_confirm=True)
                | Q(documented_statement=False, confirmed_at__isnull=True),
                name="order_to_confirm_idx",
            ),
            # The home queue of undecided orders whose customer is to confirm: the
            # index above also holds every decided one (most of them at scale).
            models.Index(
                fields=["-created_at", "-id"],
                # One "<>" per decided status, not NOT IN: PostgreSQL spells a
                # list's index predicate differently once rebuilt from its own
                # definition (seed_scale's bulk load does), and the planner proves
                # the query's NOT IN implies these either way.
                condition=Q(customer_to_confirm=True)
                & ~Q(status="accepted")
                & ~Q(status="rejected")
                & ~Q(status="awaiting_agreement")
                & ~Q(status="conditions_declined"),
                name="order_confirm_open_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "draft",
                        "awaiting_review",
                        "in_review",
                        "accepted",
                        "rejected",
                        "awaiting_agreement",
                        "conditions_declined",
                    ]
                ),
                name="order_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["order", "quote"]), name="order_kind_valid"
            ),
            textlimits.length_check("quote_note", textlimits.NOTE, "order"),
            # A quote always says until when it holds; an order never does.
            models.CheckConstraint(
                condition=Q(kind="quote", valid_until__isnull=False)
                | Q(kind="order", valid_until__isnull=True),
                name="order_valid_until_only_quotes",
            ),
            # Only an order is made from a quote.
            models.CheckConstraint(
                condition=Q(quote__isnull=True) | Q(kind="order"),
                name="order_quote_only_orders",
            ),
            # Only an accepted order has an agreement for a change to be reviewed
            # against.
            models.CheckConstraint(
                condition=Q(change_in_review=False) | Q(status="accepted"),
                name="order_change_in_review_only_accepted",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="order_value_not_negative",
            ),
            # A value always says its currency, and a currency never stands alone.
            models.CheckConstraint(
                condition=Q(value__isnull=True, value_currency="")
                | Q(value__isnull=False, value_currency__regex=r"^[A-Z]{3}$"),
                name="order_value_currency_with_value",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("orders:order_detail", args=[self.number])

    @property
    def is_quote(self) -> bool:
        return self.kind == self.Kind.QUOTE

    def quote_expired(self, today: datetime.date) -> bool:
        return (
            self.is_quote
            and self.valid_until is not None
            and (self.valid_until < today)
        )

    @property
    def value_display(self) -> str:
        """ "1,234.50 EUR", or "—" when the form does not say what it is worth."""
        return money_display(self.value, self.value_currency)

    @property
    def status_label(self) -> str:
        """The status as people read it: an accepted order stays "Accepted" while a
        change to it is reviewed."""
        if self.change_in_review:
            return f"{self.get_status_display()} — change in review"
        return self.get_status_display()


class CustomerLink(models.Model):
    """A link sent to a customer who has no account (an intake portal link; a quote
    link, requirements.QuoteLink). Only a SHA-256 of the random token is stored:
    whoever reads the database (or a backup) cannot use a link. The token itself is
    shown once, to the staff member who creates it."""

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # What tells the rows apart: a label the creator gives ("sent to Jo, buyer") and
    # the token's first characters (too few to guess the rest from).
    label = models.CharField(max_length=100, blank=True)
    token_start = models.CharField(max_length=8, blank=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]


class PortalLink(CustomerLink):
    """A link that lets a customer fill in one draft order without an account."""

    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="portal_links"
    )
    used_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Portal link for {self.order_id} (expires {self.expires_at:%Y-%m-%d})"

    def is_usable(self, now: datetime.datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now
