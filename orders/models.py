"""Who ordered what, and with which order form."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from orderreview import textlimits


class RequirementCategory(models.TextChoices):
    """ISO 9001 8.2.2 / 8.2.3.1: where a requirement comes from."""

    STATED = "stated", "Stated by the customer"
    DELIVERY = "delivery", "Delivery"
    POST_DELIVERY = "post_delivery", "Post-delivery"
    NOT_STATED = "not_stated", "Not stated but necessary"
    STATUTORY = "statutory", "Statutory / regulatory"
    ORGANISATION = "organisation", "Organisation's own"


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


class Discipline(models.Model):
    """A field of expertise that assesses requirements (Engineering, Quality, ...)."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="disciplines", blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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


class OrderForm(models.Model):
    """A question set; its content lives in numbered versions."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True, max_length=textlimits.NOTE)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            textlimits.length_check("description", textlimits.NOTE, "orderform"),
        ]

    def __str__(self) -> str:
        return self.name


class OrderFormVersion(models.Model):
    """One version of a form. Published versions never change (database trigger)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    form = models.ForeignKey(
        OrderForm, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    change_note = models.TextField(blank=True, max_length=textlimits.HELP)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["form", "-number"]
        constraints = [
            textlimits.length_check("change_note", textlimits.HELP, "orderformversion"),
            models.UniqueConstraint(
                fields=["form", "number"], name="formversion_unique_number"
            ),
            models.UniqueConstraint(
                fields=["form"],
                condition=Q(status="published"),
                name="formversion_one_published",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "retired"]),
                name="formversion_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form.name} v{self.number} ({self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Question(models.Model):
    class MapsTo(models.TextChoices):
        """Order header facts a question's answer can supply (one source of truth)."""

        REQUESTED_DATE = "requested_date", "Order's requested delivery date"
        CUSTOMER_REFERENCE = "customer_reference", "Order's customer reference"
        CONTACT_EMAIL = "contact_email", "Order's contact e-mail (notices go to it)"

    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", "Short text"
        LONG_TEXT = "long_text", "Long text"
        INTEGER = "integer", "Whole number"
        DECIMAL = "decimal", "Decimal with unit"
        DATE = "date", "Date"
        YES_NO = "yes_no", "Yes / no"
        SINGLE_CHOICE = "single_choice", "Single choice"
        MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
        FILE = "file", "File upload"
        EMAIL = "email", "E-mail address"

    version = models.ForeignKey(
        OrderFormVersion, on_delete=models.CASCADE, related_name="questions"
    )
    key = models.SlugField(max_length=60)
    label = models.CharField(max_length=300)
    help_text = models.TextField(blank=True, max_length=textlimits.HELP)
    kind = models.CharField(max_length=20, choices=Kind)
    required = models.BooleanField(default=False)
    choices = models.JSONField(default=list, blank=True)
    min_value = models.DecimalField(
        max_digits=20, decimal_places=6, null=True, blank=True
    )
    max_value = models.DecimalField(
        max_digits=20, decimal_places=6, null=True, blank=True
    )
    max_length = models.PositiveIntegerField(null=True, blank=True)
    pattern = models.CharField(max_length=200, blank=True)
    # Shown when the pattern is not matched: "e.g. AB-1234".
    pattern_hint = models.CharField(max_length=200, blank=True)
    unit = models.CharField(max_length=30, blank=True)
    allowed_file_types = models.CharField(
        max_length=200,
        blank=True,
        help_text="Comma-separated extensions, e.g. pdf,step",
    )
    max_file_size_kb = models.PositiveIntegerField(null=True, blank=True)
    section = models.CharField(max_length=120, blank=True)
    position = models.PositiveIntegerField(default=0)
    category = models.CharField(
        max_length=20, choices=RequirementCategory, default=RequirementCategory.STATED
    )
    discipline = models.ForeignKey(
        Discipline, on_delete=models.PROTECT, related_name="+"
    )
    show_if_question = models.SlugField(max_length=60, blank=True)
    show_if_values = models.JSONField(default=list, blank=True)
    maps_to = models.CharField(max_length=30, choices=MapsTo, blank=True)
    # Keys of questions of the same version whose change re-opens this question's
    # verdict in a change order (delivery date depends on quantity).
    depends_on = models.JSONField(default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "position", "pk"]
        constraints = [
            textlimits.length_check("help_text", textlimits.HELP, "question"),
            models.UniqueConstraint(
                fields=["version", "key"], name="question_unique_key"
            ),
            # One question per header fact, or the header would have two sources.
            models.UniqueConstraint(
                fields=["version", "maps_to"],
                condition=~Q(maps_to=""),
                name="question_unique_maps_to",
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="question_min_not_above_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.label}"


class FormSection(models.Model):
    """How one section of a version is answered. Sections are named by their
    questions' `section`; a row exists only for a section that repeats (a line of
    an order: each entry answers the section's questions again)."""

    version = models.ForeignKey(
        OrderFormVersion, on_delete=models.CASCADE, related_name="sections"
    )
    name = models.CharField(max_length=120)
    repeating = models.BooleanField(default=True)
    min_entries = models.PositiveIntegerField(default=1)
    max_entries = models.PositiveIntegerField(default=50)
    # What one entry is called: "Line", "Part".
    entry_label = models.CharField(max_length=40, default="Line")
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "name"], name="formsection_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(min_entries__lte=models.F("max_entries")),
                name="formsection_min_not_above_max",
            ),
            models.CheckConstraint(
                condition=Q(max_entries__gte=1) & Q(max_entries__lte=500),
                name="formsection_max_entries_range",
            ),
            models.CheckConstraint(
                condition=~Q(name=""), name="formsection_name_not_blank"
            ),
        ]

    def __str__(self) -> str:
        limits = f"{self.min_entries}–{self.max_entries}"
        return f"{self.name} ({self.entry_label} × {limits})"


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

    # Statuses after a decision was signed: the requirements are no longer
    # confirmed, only changed through a change order.
    DECIDED_STATUSES = (
        Status.ACCEPTED,
        Status.REJECTED,
        Status.AWAITING_AGREEMENT,
        Status.CONDITIONS_DECLINED,
    )

    number = models.CharField(max_length=30, unique=True, editable=False)
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
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["channel", "-created_at"]),
            models.Index(fields=["-created_at", "-id"]),
            models.Index(fields=["customer_reference"]),
            # The list's "requested date" sort, and the home queue of orders
            # whose customer or requirements need confirming (few among many).
            models.Index(
                fields=["requested_date", "-created_at", "-id"],
                name="order_requested_idx",
            ),
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(customer_to_confirm=True)
                | Q(documented_statement=False, confirmed_at__isnull=True),
                name="order_to_confirm_idx",
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
            # Only an accepted order has an agreement for a change to be reviewed
            # against.
            models.CheckConstraint(
                condition=Q(change_in_review=False) | Q(status="accepted"),
                name="order_change_in_review_only_accepted",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("orders:order_detail", args=[self.number])

    @property
    def status_label(self) -> str:
        """The status as people read it: an accepted order stays "Accepted" while a
        change to it is reviewed."""
        if self.change_in_review:
            return f"{self.get_status_display()} — change in review"
        return self.get_status_display()


class PortalLink(models.Model):
    """A link that lets a customer fill in one draft order without an account.

    Only a SHA-256 of the random token is stored: whoever reads the database (or a
    backup) cannot use a link. The token itself is shown once, to the staff member
    who creates it.
    """

    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="portal_links"
    )
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
    used_at = models.DateTimeField(null=True, blank=True)
    # What tells the rows apart: a label the creator gives ("sent to Jo, buyer") and
    # the token's first characters (too few to guess the rest from).
    label = models.CharField(max_length=100, blank=True)
    token_start = models.CharField(max_length=8, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Portal link for {self.order_id} (expires {self.expires_at:%Y-%m-%d})"

    def is_usable(self, now: datetime.datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


# Defined in its own module (orders.models stays short); imported here so Django
# registers it with the orders app.
from orders.regulations.models import StatutoryRequirement  # noqa: E402, F401
