"""A register entry: one law, directive or standard and the forms it applies to.

Imported by orders.models so Django registers it in the orders app; it refers to
OrderForm and Discipline by name to avoid a circular import."""

from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from orderreview import textlimits

# Only web links are shown as links: a javascript: or file: URL is never one.
LINK_SCHEMES = ["http", "https"]


class StatutoryRequirement(models.Model):
    """A statutory or regulatory requirement that may apply to orders (8.2.2 a 1).

    It applies to orders of the forms it names, to every form (all_forms), and to
    orders of the form an offering listing it asks for (Offering.statutory_
    requirements). A review freezes the active entries that apply when it opens;
    version counts the changes to what a reviewer confirms, so a change order's
    review carries a confirmation forward only while the entry is unchanged."""

    class Kind(models.TextChoices):
        LAW = "law", "Law"
        REGULATION = "regulation", "Regulation"
        DIRECTIVE = "directive", "Directive"
        STANDARD = "standard", "Standard"
        CUSTOMER = "customer", "Customer-mandated"
        OTHER = "other", "Other"

    title = models.CharField(max_length=200)
    reference = models.CharField(
        max_length=200,
        unique=True,
        help_text="How it is cited, e.g. “Directive 2011/65/EU (RoHS)”.",
    )
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.REGULATION)
    jurisdiction = models.CharField(max_length=100, blank=True)
    summary = models.TextField(blank=True, max_length=textlimits.NOTE)
    link = models.URLField(
        max_length=500, blank=True, validators=[URLValidator(schemes=LINK_SCHEMES)]
    )
    discipline = models.ForeignKey(
        "orders.Discipline",
        on_delete=models.PROTECT,
        related_name="statutory_requirements",
        help_text="The discipline whose reviewers confirm it on each review.",
    )
    all_forms = models.BooleanField(
        default=False, help_text="It applies to orders of every form."
    )
    forms = models.ManyToManyField(
        "orders.OrderForm", related_name="statutory_requirements", blank=True
    )
    active = models.BooleanField(
        default=True, help_text="Inactive entries apply to no new review."
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    # The forms it applies to are named in each history row's reason
    # (regulations.services): plain many-to-many rows have no history of their own.
    history = HistoricalRecords()

    class Meta:
        ordering = ["reference", "pk"]
        constraints = [
            textlimits.length_check("summary", textlimits.NOTE, "statutoryrequirement"),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "law",
                        "regulation",
                        "directive",
                        "standard",
                        "customer",
                        "other",
                    ]
                ),
                name="statutoryrequirement_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(link="") | Q(link__regex=r"^https?://"),
                name="statutoryrequirement_link_web",
            ),
            models.CheckConstraint(
                condition=~Q(reference="") & ~Q(title=""),
                name="statutoryrequirement_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("regulations:register_edit", args=[self.pk])

    @property
    def web_link(self) -> str:
        """The link when it is safe to make one (http or https), else ""."""
        scheme = self.link.split(":", 1)[0].lower()
        return self.link if scheme in LINK_SCHEMES else ""
