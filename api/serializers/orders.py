"""Orders as the API shows them: list rows, and one order's header, status and
revisions (the order page's facts, read through the same selectors)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from orders.models import Customer, Order
from orders.money import amount_text
from requirements.models import RequirementSet

PERSON_SCHEMA = {
    "type": "object",
    "nullable": True,
    "properties": {"username": {"type": "string"}, "name": {"type": "string"}},
}


def person(user: Any) -> dict[str, str] | None:
    """Who did something, as records name them."""
    if user is None:
        return None
    return {"username": user.username, "name": user.printed_name}


class CustomerBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ("id", "name", "account_code")


class OrderRowSerializer(serializers.ModelSerializer):
    customer = CustomerBriefSerializer(read_only=True)
    form = serializers.SlugRelatedField(
        source="form_version.form", slug_field="slug", read_only=True
    )
    form_version = serializers.IntegerField(source="form_version.number")
    # Exact, as text ("1234.50"); null when the form does not say what it is worth.
    value = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = (
            "number",
            "kind",
            "status",
            "valid_until",
            "customer",
            "form",
            "form_version",
            "channel",
            "customer_reference",
            "requested_date",
            "value",
            "value_currency",
            "created_at",
            "submitted_at",
        )

    @extend_schema_field(
        {"type": "string", "nullable": True, "pattern": r"^\d+(\.\d+)?$"}
    )
    def get_value(self, order: Order) -> str | None:
        """With the currency's decimals: "1234.50" EUR, "5000" JPY."""
        if order.value is None:
            return None
        return amount_text(order.value, order.value_currency)


class RevisionSerializer(serializers.ModelSerializer):
    created_by = serializers.SerializerMethodField()
    submitted_by = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()

    class Meta:
        model = RequirementSet
        fields = (
            "number",
            "state",
            "reason",
            "channel",
            "requested_by",
            "created_at",
            "created_by",
            "submitted_at",
            "submitted_by",
            "outcome",
        )

    @extend_schema_field(PERSON_SCHEMA)
    def get_created_by(self, revision: RequirementSet) -> dict[str, str] | None:
        return person(revision.created_by)

    @extend_schema_field(PERSON_SCHEMA)
    def get_submitted_by(self, revision: RequirementSet) -> dict[str, str] | None:
        return person(revision.submitted_by)

    @extend_schema_field(
        {"type": "string", "nullable": True, "enum": ["accept", "reject", None]}
    )
    def get_outcome(self, revision: RequirementSet) -> str | None:
        # The reviews app's reverse relations, loaded by revisions_for_order.
        review = getattr(revision, "review", None)
        decision = getattr(review, "decision", None) if review else None
        return decision.outcome if decision else None


class OrderDetailSerializer(OrderRowSerializer):
    # The quote an order was made from (its differences are resolved before
    # signing), and why it was made from an expired one.
    quote = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True
    )
    entered_by = serializers.SerializerMethodField()
    confirmed_by = serializers.SerializerMethodField()
    revisions = serializers.SerializerMethodField()

    class Meta(OrderRowSerializer.Meta):
        fields = (
            *OrderRowSerializer.Meta.fields,
            "quote",
            "quote_note",
            "contact_email",
            "documented_statement",
            "customer_to_confirm",
            "confirmation_method",
            "confirmed_at",
            "confirmed_by",
            "entered_by",
            "revisions",
        )

    @extend_schema_field(PERSON_SCHEMA)
    def get_entered_by(self, order: Order) -> dict[str, str] | None:
        return person(order.entered_by)

    @extend_schema_field(PERSON_SCHEMA)
    def get_confirmed_by(self, order: Order) -> dict[str, str] | None:
        return person(order.confirmed_by)

    @extend_schema_field(RevisionSerializer(many=True))
    def get_revisions(self, order: Order) -> list[dict[str, Any]]:
        return RevisionSerializer(self.context["revisions"], many=True).data
