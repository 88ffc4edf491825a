"""The order form: its versions, questions, and the disciplines that assess the
requirements its answers become."""

from django.conf import settings
from django.db import models
from django.db.models import Q
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
    # What an order on this version is worth (orders.money_value): the answer to
    # one amount question, or a quantity question's answer times a unit-price
    # amount question's. Keys of this version's questions; blank: not known.
    value_question = models.SlugField(max_length=60, blank=True)
    value_quantity_question = models.SlugField(max_length=60, blank=True)
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
        AMOUNT = "amount", "Amount with currency"

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
    # ISO 4217 codes an amount question takes: one is fixed, several the answer
    # chooses from (orders.money).
    currencies = models.JSONField(default=list, blank=True)
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
