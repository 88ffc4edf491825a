"""What the customer needs, revision by revision."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from orderreview import textlimits
from orders.models import (
    Channel,
    CustomerLink,
    Discipline,
    Order,
    Question,
    RequirementCategory,
)


class RequirementSet(models.Model):
    """One revision of an order's requirements: 1 is intake, later ones changes."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        SUPERSEDED = "superseded", "Superseded"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=12, choices=State, default=State.DRAFT)
    # The order-form answers as typed: kept on drafts so nothing typed is lost, and
    # used to pre-fill the form of the next change order.
    answers = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True, max_length=textlimits.NOTE)
    channel = models.CharField(max_length=20, choices=Channel, blank=True)
    requested_by = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # ISO 9001 8.2.3.1: whether the customer gave this change in writing, asked when
    # the change order is raised. Null for revision 1, whose order's header says
    # (one source), and for change orders raised before it was asked (reviewed as
    # documented then).
    documented_statement = models.BooleanField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "number"]
        indexes = [
            # The home queue of revisions whose customer confirmation is missing.
            models.Index(
                fields=["state"],
                condition=Q(documented_statement=False),
                name="reqset_undocumented_idx",
            ),
            # The same queue oldest first: the open revisions in order of entry, so
            # the first ten are found without sorting every open one.
            models.Index(
                fields=["created_at", "id"],
                condition=Q(state="submitted"),
                name="reqset_submitted_idx",
            ),
        ]
        constraints = [
            textlimits.length_check("reason", textlimits.NOTE, "requirementset"),
            models.CheckConstraint(
                condition=Q(number__gt=1) | Q(documented_statement__isnull=True),
                name="reqset_first_documented_by_order",
            ),
            models.UniqueConstraint(
                fields=["order", "number"], name="reqset_unique_number"
            ),
            models.UniqueConstraint(
                fields=["order"], condition=Q(state="draft"), name="reqset_one_draft"
            ),
            models.CheckConstraint(
                condition=Q(
                    state__in=[
                        "draft",
                        "submitted",
                        "accepted",
                        "rejected",
                        "superseded",
                    ]
                ),
                name="reqset_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order.number} rev. {self.number}"

    @property
    def statement_documented(self) -> bool:
        return statement_documented(self, self.order)

    @property
    def confirmation_missing(self) -> bool:
        """A customer confirmation is needed (ISO 9001 8.2.3.1) and not recorded."""
        return not self.statement_documented and not hasattr(self, "confirmation")

    @property
    def confirmation_recordable(self) -> bool:
        """Whether customer service can still record (or correct) the confirmation:
        only while the submitted revision is undecided."""
        return not self.statement_documented and self.state == self.State.SUBMITTED


def statement_documented(revision: RequirementSet, order: Order) -> bool:
    """Whether the customer gave a revision's requirements in a documented statement
    (ISO 9001 8.2.3.1). Revision 1 came with the order, whose header says; a change
    order raised before the question was asked counts as documented, as it was
    reviewed. order is passed apart so that signing reads it from its own rows."""
    if revision.number == 1:
        return order.documented_statement
    return revision.documented_statement is not False


class RevisionConfirmation(models.Model):
    """ISO 9001 8.2.3.1: the customer confirmed a revision's requirements they gave
    without a documented statement, on a date between the revision's entry and the
    recording, with the conversation it happened in on file.

    Lower layer than communications: the links are string foreign keys, never an
    import. Legacy rows were copied from the order-level confirmation of old and
    may lack a link."""

    revision = models.OneToOneField(
        RequirementSet, on_delete=models.PROTECT, related_name="confirmation"
    )
    method = models.CharField(max_length=200)
    confirmed_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    communication = models.ForeignKey(
        "communications.Communication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    attachment = models.ForeignKey(
        "communications.CommunicationAttachment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    legacy = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(legacy=True)
                | Q(communication__isnull=False)
                | Q(attachment__isnull=False),
                name="revconfirmation_linked",
            ),
            models.CheckConstraint(
                condition=Q(legacy=True) | Q(confirmed_by__isnull=False),
                name="revconfirmation_confirmed_by",
            ),
        ]

    def __str__(self) -> str:
        return f"Customer confirmation of {self.revision}"


class Requirement(models.Model):
    class Source(models.TextChoices):
        FORM = "form", "Order form"
        PORTAL = "portal", "Customer portal"
        STAFF = "staff", "Added by staff"
        REVIEWER = "reviewer", "Added by a reviewer"

    requirement_set = models.ForeignKey(
        RequirementSet, on_delete=models.CASCADE, related_name="requirements"
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The question's key, or for a line's answer the line's and the question's
    # ("L3.thickness", orders.orderforms.lines): a line's identity is signed with it.
    key = models.CharField(max_length=80, db_index=True)
    statement = models.TextField(max_length=textlimits.NOTE)
    value = models.JSONField(null=True, blank=True)
    category = models.CharField(max_length=20, choices=RequirementCategory)
    discipline = models.ForeignKey(
        Discipline, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source)
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["requirement_set", "position", "pk"]
        constraints = [
            textlimits.length_check("statement", textlimits.NOTE, "requirement"),
            models.UniqueConstraint(
                fields=["requirement_set", "key"], name="requirement_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return self.statement


class ChangeNotification(models.Model):
    """ISO 9001 8.2.4: a person affected by a change order is made aware of it and
    acknowledges having read what changed."""

    revision = models.ForeignKey(
        RequirementSet, on_delete=models.PROTECT, related_name="notifications"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Why this person is told: "Engineering reviewer", "order owner", ...
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "acknowledged_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "user"], name="change_notification_unique_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.revision}: {self.user}"

    def get_absolute_url(self) -> str:
        return reverse("requirements:notification_detail", args=[self.pk])


class AwarenessRule(models.Model):
    """ISO 9001 8.2.4: who else must be made aware of a change, beyond the reviewers
    of the changed disciplines and the order's author. A rule matches a change that
    adds, removes or alters a requirement of its discipline and category (a blank
    one matches any); it tells its people and everyone in its group."""

    name = models.CharField(max_length=100)
    discipline = models.ForeignKey(
        Discipline,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Blank: a change in any discipline.",
    )
    category = models.CharField(
        max_length=20,
        choices=RequirementCategory,
        blank=True,
        help_text="Blank: a change in any category.",
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name="people"
    )
    group = models.ForeignKey(
        "auth.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Everyone in this group or role is told, e.g. Purchasing.",
    )
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def matches(self, requirements: list[Requirement]) -> bool:
        """Whether any changed requirement is of this rule's discipline and
        category."""
        return any(
            (self.discipline_id is None or r.discipline_id == self.discipline_id)
            and (not self.category or r.category == self.category)
            for r in requirements
        )


class QuoteDifference(models.Model):
    """ISO 9001 8.2.3.1 e): a requirement of an order that differs from the quote it
    was made from (added, removed or changed), recorded when the order's first
    revision is submitted. It must be resolved before the order can be accepted:
    agreed with the customer (who, when, in which conversation) or accepted by its
    discipline's reviewer with a reason. The database refuses an accepting decision
    while one is open (reviews migration 0014).

    Lower layer than communications: the conversation is a string foreign key."""

    class Change(models.TextChoices):
        ADDED = "added", "Added (not in the quote)"
        REMOVED = "removed", "Removed (in the quote, not ordered)"
        CHANGED = "changed", "Changed"

    class Resolution(models.TextChoices):
        OPEN = "", "Not resolved"
        CUSTOMER = "customer", "Agreed with the customer"
        REVIEWER = "reviewer", "Accepted by the reviewer"

    revision = models.ForeignKey(
        RequirementSet, on_delete=models.PROTECT, related_name="quote_differences"
    )
    # A requirement's key: a line's answer is "L<n>.<question key>", up to 80.
    key = models.CharField(max_length=80)
    change = models.CharField(max_length=10, choices=Change)
    statement = models.TextField(max_length=textlimits.NOTE)
    # As read: the value in the reviewed quote and in the order ("" when absent).
    quote_value = models.TextField(blank=True, max_length=textlimits.NOTE)
    order_value = models.TextField(blank=True, max_length=textlimits.NOTE)
    discipline = models.ForeignKey(
        Discipline, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.CharField(
        max_length=10, choices=Resolution, blank=True, default=""
    )
    agreed_by_name = models.CharField(max_length=200, blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    communication = models.ForeignKey(
        "communications.Communication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(blank=True, max_length=textlimits.NOTE)
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
        ordering = ["revision", "pk"]
        constraints = [
            textlimits.length_check("statement", textlimits.NOTE, "quotedifference"),
            textlimits.length_check("quote_value", textlimits.NOTE, "quotedifference"),
            textlimits.length_check("order_value", textlimits.NOTE, "quotedifference"),
            textlimits.length_check("reason", textlimits.NOTE, "quotedifference"),
            models.UniqueConstraint(
                fields=["revision", "key"], name="quotedifference_unique_key"
            ),
            models.CheckConstraint(
                condition=Q(change__in=["added", "removed", "changed"]),
                name="quotedifference_change_valid",
            ),
            # Open: nobody resolved it. Customer: who agreed, when, in which
            # conversation. Reviewer: why it is acceptable.
            models.CheckConstraint(
                condition=Q(resolution="", resolved_by__isnull=True)
                | Q(
                    resolution="customer",
                    resolved_by__isnull=False,
                    resolved_at__isnull=False,
                    agreed_at__isnull=False,
                    communication__isnull=False,
                )
                & ~Q(agreed_by_name="")
                | Q(resolution="reviewer", resolved_by__isnull=False)
                & Q(resolved_at__isnull=False)
                & ~Q(reason=""),
                name="quotedifference_resolution_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement}: {self.get_change_display().lower()}"

    @property
    def resolved(self) -> bool:
        return bool(self.resolution)


class QuoteLink(CustomerLink):
    """A link that shows one quote to the customer, who may accept it or ask for
    changes, without an account (token kept as for an intake portal link)."""

    quote = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Quote link for {self.quote_id} (expires {self.expires_at:%Y-%m-%d})"


class QuoteAcceptance(models.Model):
    """The customer accepted one reviewed revision of a quote through its link:
    who (as typed), when, and which revision. One a revision."""

    quote = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="+")
    revision = models.OneToOneField(
        RequirementSet, on_delete=models.PROTECT, related_name="customer_acceptance"
    )
    link = models.ForeignKey(QuoteLink, on_delete=models.PROTECT, related_name="+")
    accepted_by_name = models.CharField(max_length=200)
    accepted_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["accepted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(accepted_by_name=""), name="quoteacceptance_named"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.accepted_by_name} accepted {self.revision}"
