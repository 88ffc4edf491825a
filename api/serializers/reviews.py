"""A revision's review and its acceptance record as the API shows them: the review
page's assessments, decision and signatures, and what the record page shows, from
the same builder (reviews.record_views.record_context)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.orders import PERSON_SCHEMA, person
from api.serializers.revisions import (
    DISCIPLINE_SCHEMA,
    DecisionBriefSerializer,
    discipline,
)
from requirements import selectors as req_selectors
from reviews import signing
from reviews.models import Assessment, Review, StatutoryCheck

REQUIREMENT_BRIEF_SCHEMA = {
    "type": "object",
    "properties": {
        "key": {"type": "string"},
        "statement": {"type": "string"},
        "display": {"type": "string"},
    },
}


class AssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    discipline = serializers.SerializerMethodField()
    requirement = serializers.SerializerMethodField()
    verdict = serializers.ChoiceField(
        choices=["", *Assessment.Verdict.values],
        help_text="Empty while not assessed.",
    )
    note = serializers.CharField(help_text="The conditions, or why it cannot be met.")
    assessed_by = serializers.SerializerMethodField()
    assessed_at = serializers.DateTimeField(allow_null=True)
    carried_from_revision = serializers.SerializerMethodField()
    reopened_because = serializers.CharField()

    @extend_schema_field(DISCIPLINE_SCHEMA)
    def get_discipline(self, assessment: Assessment) -> dict[str, str]:
        return discipline(assessment.discipline)

    @extend_schema_field(REQUIREMENT_BRIEF_SCHEMA)
    def get_requirement(self, assessment: Assessment) -> dict[str, str]:
        requirement = assessment.requirement
        return {
            "key": requirement.key,
            "statement": requirement.statement,
            "display": req_selectors.requirement_display(requirement),
        }

    @extend_schema_field(PERSON_SCHEMA)
    def get_assessed_by(self, assessment: Assessment) -> dict[str, str] | None:
        return person(assessment.assessed_by)

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_carried_from_revision(self, assessment: Assessment) -> int | None:
        """The earlier revision whose verdict still holds (unchanged requirement)."""
        earlier = assessment.carried_from
        return earlier.review.requirement_set.number if earlier else None


class StatutoryCheckSerializer(serializers.Serializer):
    reference = serializers.CharField()
    title = serializers.CharField()
    discipline = serializers.SerializerMethodField()
    state = serializers.CharField(
        help_text="One of: " + ", ".join(StatutoryCheck.State.values) + "."
    )
    note = serializers.CharField()
    checked_by = serializers.SerializerMethodField()
    checked_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(DISCIPLINE_SCHEMA)
    def get_discipline(self, check: StatutoryCheck) -> dict[str, str]:
        return discipline(check.discipline)

    @extend_schema_field(PERSON_SCHEMA)
    def get_checked_by(self, check: StatutoryCheck) -> dict[str, str] | None:
        return person(check.checked_by)


class SignatureSerializer(serializers.Serializer):
    signer = serializers.SerializerMethodField()
    printed_name = serializers.CharField()
    meaning = serializers.CharField()
    signed_at = serializers.DateTimeField()
    content_hash = serializers.CharField(
        help_text="SHA-256 of the canonical JSON of what was signed."
    )
    previous_hash = serializers.CharField()
    signature_hash = serializers.CharField()
    key_id = serializers.CharField()
    content_format = serializers.IntegerField()

    @extend_schema_field(PERSON_SCHEMA)
    def get_signer(self, signature: Any) -> dict[str, str] | None:
        return person(signature.signer)


class ReviewSerializer(serializers.Serializer):
    """A revision's review as its page shows it (read-only: signing stays in the
    browser, where the signer types their password again)."""

    order = serializers.CharField(source="order.number")
    revision = serializers.IntegerField(source="requirement_set.number")
    state = serializers.CharField(
        help_text="One of: " + ", ".join(Review.State.values) + "."
    )
    opened_at = serializers.DateTimeField()
    due_date = serializers.DateField()
    closed_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.SerializerMethodField()
    pending = serializers.SerializerMethodField()
    assessments = AssessmentSerializer(many=True, source="assessments.all")
    statutory_checks = StatutoryCheckSerializer(
        many=True, source="statutory_checks.all"
    )
    decision = serializers.SerializerMethodField()
    signatures = serializers.SerializerMethodField()

    def get_overdue(self, review: Review) -> bool:
        return self.context["overdue"]

    def get_pending(self, review: Review) -> int:
        """How many assessments are still to be made."""
        return sum(1 for a in review.assessments.all() if not a.verdict)

    @extend_schema_field(DecisionBriefSerializer(allow_null=True))
    def get_decision(self, review: Review) -> dict[str, Any] | None:
        decision = getattr(review, "decision", None)
        return DecisionBriefSerializer(decision).data if decision else None

    @extend_schema_field(SignatureSerializer(many=True))
    def get_signatures(self, review: Review) -> list[dict[str, Any]]:
        decision = getattr(review, "decision", None)
        found = decision.signatures.all() if decision else []
        return SignatureSerializer(found, many=True).data


# --- the acceptance record ----------------------------------------------------------


class RecordRowSerializer(serializers.Serializer):
    """One (requirement, discipline) line of the record, as signed."""

    key = serializers.CharField()
    discipline = serializers.CharField()
    statement = serializers.CharField()
    category = serializers.CharField()
    value = serializers.CharField(help_text="As displayed (and signed).")
    verdict = serializers.CharField()
    note = serializers.CharField()
    assessed_by = serializers.CharField()
    assessed_at = serializers.DateTimeField(allow_null=True)
    carried = serializers.BooleanField()


class StatutoryRowSerializer(serializers.Serializer):
    reference = serializers.CharField()
    title = serializers.CharField()
    discipline = serializers.CharField()
    state = serializers.CharField()
    note = serializers.CharField()
    by = serializers.CharField()
    at = serializers.DateTimeField(allow_null=True)


class ConfirmationShownSerializer(serializers.Serializer):
    documented = serializers.BooleanField()
    confirmed = serializers.BooleanField()
    in_content = serializers.BooleanField(
        help_text="False: read from today's records (older signed formats)."
    )
    text = serializers.CharField()


class ChangeSerializer(serializers.Serializer):
    label = serializers.CharField(source="difference.label")
    signed = serializers.CharField(source="difference.before")
    now = serializers.CharField(source="difference.after")
    explained_by = serializers.CharField(
        help_text="The history that explains it; empty: nothing does (tampering)."
    )
    legitimate = serializers.BooleanField()


class AcknowledgementSerializer(serializers.Serializer):
    person = serializers.SerializerMethodField()
    reason = serializers.CharField(source="notification.reason")
    acknowledged_at = serializers.DateTimeField(
        source="notification.acknowledged_at", allow_null=True
    )
    in_time = serializers.BooleanField(help_text="Acknowledged before signing.")

    @extend_schema_field(PERSON_SCHEMA)
    def get_person(self, item: Any) -> dict[str, str] | None:
        return person(item.notification.user)


class AgreementSerializer(serializers.Serializer):
    """The customer's answer to the conditions of an acceptance."""

    state = serializers.CharField()
    revision_number = serializers.IntegerField()
    content_hash = serializers.CharField()
    conditions = serializers.JSONField()
    answered_by_name = serializers.CharField()
    answered_via = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    comment = serializers.CharField()


class RecordSignatureSerializer(SignatureSerializer):
    verified = serializers.SerializerMethodField()
    problem = serializers.SerializerMethodField()

    def get_verified(self, signature: Any) -> bool:
        """Hashes recomputed, linked into the chain, and today's rows say what
        was signed (apart from changes history explains)."""
        check = self.context["checks"][signature.pk]
        return check.ok and self.context["content_intact"]

    def get_problem(self, signature: Any) -> str:
        check = self.context["checks"][signature.pk]
        if not check.ok:
            return check.problem
        if not self.context["content_intact"]:
            return "today's records differ from the signed content"
        return ""


class RecordSerializer(serializers.Serializer):
    """The acceptance record page's facts, from record_views.record_context."""

    order = serializers.CharField(source="order.number")
    revision = serializers.IntegerField(source="revision.number")
    signed = serializers.BooleanField(
        source="record.signed",
        help_text="True: everything is read from the signed content; false: a "
        "preview of what would be signed.",
    )
    customer = serializers.CharField(source="record.order.customer")
    customer_name = serializers.CharField(source="record.order.customer_name")
    customer_reference = serializers.CharField(
        source="record.order.customer_reference", allow_null=True
    )
    reason = serializers.CharField(source="revision.reason")
    submitted_at = serializers.DateTimeField(
        source="revision.submitted_at", allow_null=True
    )
    review_state = serializers.CharField(source="review.state")
    confirmation = ConfirmationShownSerializer()
    rows = RecordRowSerializer(many=True, source="record.rows")
    statutory = StatutoryRowSerializer(many=True, source="record.statutory")
    decision = serializers.SerializerMethodField()
    agreement = AgreementSerializer(allow_null=True)
    acknowledgements = AcknowledgementSerializer(many=True)
    changes = ChangeSerializer(many=True, source="record.changes")
    content_intact = serializers.BooleanField()
    chain_failures = serializers.ListField(child=serializers.CharField())
    signatures = serializers.SerializerMethodField()
    content = serializers.JSONField(
        source="record.content",
        help_text="The signed content (or the content that would be signed).",
    )
    content_hash = serializers.SerializerMethodField()

    @extend_schema_field(DecisionBriefSerializer(allow_null=True))
    def get_decision(self, shown: dict[str, Any]) -> dict[str, Any] | None:
        decision = shown["decision"]
        return DecisionBriefSerializer(decision).data if decision else None

    @extend_schema_field(RecordSignatureSerializer(many=True))
    def get_signatures(self, shown: dict[str, Any]) -> list[dict[str, Any]]:
        verified = shown["signatures"]
        context = {
            "checks": {v.signature.pk: v.check for v in verified},
            "content_intact": shown["content_intact"],
        }
        return RecordSignatureSerializer(
            [v.signature for v in verified], many=True, context=context
        ).data

    def get_content_hash(self, shown: dict[str, Any]) -> str:
        """SHA-256 of the content's canonical JSON: a signature's content_hash."""
        return signing.content_hash(shown["record"].content)
