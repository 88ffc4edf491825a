"""An order's revisions as the API shows them: what the order page's revision
history and requirements tables show, and the change-order page's diff."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.draft_input import lines_shown
from api.serializers.orders import PERSON_SCHEMA, RevisionSerializer, person
from requirements import selectors as req_selectors
from requirements.confirmations import confirmation_of
from requirements.diff import ChangedRequirement
from requirements.models import Requirement, RequirementSet

DISCIPLINE_SCHEMA = {
    "type": "object",
    "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
}
# A file answer's storage path is ours: never shown (display_value does the same).
HIDDEN_VALUE_KEYS = ("path",)
DRAFT_LINES_SCHEMA = {
    "type": "object",
    "description": "A draft's lines (the entries of its repeating sections) typed "
    'so far, in the shape a PATCH takes under answers."@lines": section name -> '
    'its entries in order, each {"line": "L1", "answers": {question key -> '
    "answer as stored}}; a file answer is an object with name, size, sha256 and "
    "content_type (uploaded to lines/<line>/files/<key>/, never sent in a PATCH). "
    "Empty once submitted and for a form without repeating sections.",
    "additionalProperties": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "line": {"type": "string", "description": "L1, L2, ..."},
                "answers": {"type": "object", "additionalProperties": True},
            },
            "required": ["line", "answers"],
        },
    },
}


def discipline(found: Any) -> dict[str, str]:
    return {"slug": found.slug, "name": found.name}


def value_shown(value: Any) -> Any:
    """A requirement's stored value for a program: as stored, less a file's path."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k not in HIDDEN_VALUE_KEYS}
    return value


class RequirementSerializer(serializers.Serializer):
    """One requirement as the requirements table shows it, with its stored value."""

    id = serializers.IntegerField(
        source="pk",
        allow_null=True,
        help_text="Null for what a draft's answers would make once submitted.",
    )
    key = serializers.CharField()
    statement = serializers.CharField(help_text="The requirement as worded (label).")
    value = serializers.SerializerMethodField()
    display = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    kind = serializers.SerializerMethodField()
    category = serializers.CharField()
    category_label = serializers.CharField(source="get_category_display")
    discipline = serializers.SerializerMethodField()
    source = serializers.CharField()
    source_label = serializers.CharField(source="get_source_display")
    position = serializers.IntegerField()

    @extend_schema_field(
        {
            "description": "As stored (JSON): text, number, true/false, a list of "
            "choices, a file's name, size and SHA-256.",
            "nullable": True,
        }
    )
    def get_value(self, requirement: Requirement) -> Any:
        return value_shown(requirement.value)

    def get_display(self, requirement: Requirement) -> str:
        """The value as the pages, the record and the PDF show it (with its unit)."""
        return req_selectors.requirement_display(requirement)

    def get_unit(self, requirement: Requirement) -> str:
        return requirement.question.unit if requirement.question else ""

    def get_kind(self, requirement: Requirement) -> str:
        """The question's kind; empty for a requirement typed by hand."""
        return requirement.question.kind if requirement.question else ""

    @extend_schema_field(DISCIPLINE_SCHEMA)
    def get_discipline(self, requirement: Requirement) -> dict[str, str]:
        return discipline(requirement.discipline)


class ConfirmationSerializer(serializers.Serializer):
    method = serializers.CharField()
    confirmed_at = serializers.DateTimeField()
    confirmed_by = serializers.SerializerMethodField()

    @extend_schema_field(PERSON_SCHEMA)
    def get_confirmed_by(self, confirmation: Any) -> dict[str, str] | None:
        return person(confirmation.confirmed_by)


class NotifiedSerializer(serializers.Serializer):
    person = serializers.SerializerMethodField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(PERSON_SCHEMA)
    def get_person(self, notification: Any) -> dict[str, str] | None:
        return person(notification.user)


class DecisionBriefSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    reasons = serializers.CharField()
    decided_at = serializers.DateTimeField()
    decided_by = serializers.SerializerMethodField()

    @extend_schema_field(PERSON_SCHEMA)
    def get_decided_by(self, decision: Any) -> dict[str, str] | None:
        return person(decision.decided_by)


class RevisionSummarySerializer(RevisionSerializer):
    """A row of the order page's revision history."""

    documented_statement = serializers.BooleanField(
        source="statement_documented",
        help_text="Whether the customer gave these requirements in a documented "
        "statement (ISO 9001 8.2.3.1); if not, see confirmation.",
    )
    confirmation = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()
    made_aware = serializers.SerializerMethodField()

    class Meta(RevisionSerializer.Meta):
        fields = (
            *RevisionSerializer.Meta.fields,
            "documented_statement",
            "confirmation",
            "decision",
            "made_aware",
        )

    @extend_schema_field(ConfirmationSerializer(allow_null=True))
    def get_confirmation(self, revision: RequirementSet) -> dict[str, Any] | None:
        found = confirmation_of(revision)
        return ConfirmationSerializer(found).data if found else None

    @extend_schema_field(DecisionBriefSerializer(allow_null=True))
    def get_decision(self, revision: RequirementSet) -> dict[str, Any] | None:
        # The reviews app's reverse relations, loaded by revisions_for_order.
        review = getattr(revision, "review", None)
        decision = getattr(review, "decision", None) if review else None
        return DecisionBriefSerializer(decision).data if decision else None

    @extend_schema_field(NotifiedSerializer(many=True))
    def get_made_aware(self, revision: RequirementSet) -> list[dict[str, Any]]:
        """Who was told of a change order, and who acknowledged it."""
        return NotifiedSerializer(revision.notifications.all(), many=True).data


class DraftAnswerSerializer(serializers.Serializer):
    key = serializers.CharField(source="question.key")
    label = serializers.CharField(source="question.label")
    display = serializers.CharField(source="text")


class DisposalSerializer(serializers.Serializer):
    """The order's disposal under retention, as the order page's notice says."""

    state = serializers.CharField()
    retention_rule = serializers.CharField()
    executed_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decided_by = serializers.SerializerMethodField()

    @extend_schema_field(PERSON_SCHEMA)
    def get_decided_by(self, disposal: Any) -> dict[str, str] | None:
        return person(disposal.decided_by)


class RevisionDetailSerializer(RevisionSummarySerializer):
    """One revision with its requirements, as the order page shows it."""

    requirements = serializers.SerializerMethodField()
    draft_answers = serializers.SerializerMethodField()
    draft_lines = serializers.SerializerMethodField()
    disposal = serializers.SerializerMethodField()

    class Meta(RevisionSummarySerializer.Meta):
        fields = (
            *RevisionSummarySerializer.Meta.fields,
            "requirements",
            "draft_answers",
            "draft_lines",
            "disposal",
        )

    @extend_schema_field(RequirementSerializer(many=True))
    def get_requirements(self, revision: RequirementSet) -> list[dict[str, Any]]:
        """By category in the categories' order, as the page groups them."""
        rows = [r for group in self.context["groups"] for r in group.requirements]
        return RequirementSerializer(rows, many=True).data

    @extend_schema_field(DraftAnswerSerializer(many=True))
    def get_draft_answers(self, revision: RequirementSet) -> list[dict[str, Any]]:
        """A draft's answers typed so far to the questions asked once (empty once
        submitted); its lines' answers are in draft_lines."""
        return DraftAnswerSerializer(self.context["draft_answers"], many=True).data

    @extend_schema_field(DRAFT_LINES_SCHEMA)
    def get_draft_lines(self, revision: RequirementSet) -> dict[str, Any]:
        """A draft's lines typed so far, read back as a PATCH sends them (the
        questions asked once are in draft_answers); from the stored answers, no
        query."""
        if revision.state != RequirementSet.State.DRAFT:
            return {}
        return lines_shown(revision.answers)

    @extend_schema_field(DisposalSerializer(allow_null=True))
    def get_disposal(self, revision: RequirementSet) -> dict[str, Any] | None:
        found = self.context["disposal"]
        return DisposalSerializer(found).data if found else None


class RevisionRefSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    state = serializers.CharField()


class ChangedSerializer(serializers.Serializer):
    key = serializers.CharField(source="new.key")
    differs = serializers.SerializerMethodField()
    old = RequirementSerializer()
    new = RequirementSerializer()

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "string",
                "enum": ["statement", "value", "category", "discipline"],
            },
            "description": "What differs: of the fields a review assesses.",
        }
    )
    def get_differs(self, change: ChangedRequirement) -> list[str]:
        return [name.removesuffix("_id") for name in change.fields]


class DiffSerializer(serializers.Serializer):
    """The change-order page's diff: added, removed and changed (old -> new)."""

    order = serializers.CharField(source="revision.order.number")
    from_revision = RevisionRefSerializer(source="baseline")
    to_revision = RevisionRefSerializer(source="revision")
    added = RequirementSerializer(many=True)
    removed = RequirementSerializer(many=True)
    changed = ChangedSerializer(many=True)
    unchanged = RequirementSerializer(many=True)
