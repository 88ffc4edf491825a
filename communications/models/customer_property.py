"""The customer-property register."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from communications.models.log import Communication
from orderreview import textlimits
from orders.models import Customer, Order


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
