"""Bodies and answers of draft updates, file answers and change orders, for the
schema. The web's own forms check the input (orders.forms.OrderHeaderForm, the
version's answer form, requirements.forms.ChangeOrderForm)."""

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.orders import RevisionSerializer
from orders.models import Channel
from orders.orderforms import lines
from requirements.models import RequirementSet

ANSWERS_HELP = (
    "Question key -> answer (text, number, true/false, a list for multiple "
    'choice, {"amount": "12.50", "currency": "EUR"} for an amount); null removes '
    "an answer. Files are uploaded to files/<key>/. The entries of repeating "
    'sections go under "@lines": {"<section>": [{"line": "L1", "answers": {...}}]}; '
    'a section sent replaces its entries, an entry without "line" is a new line.'
)


class OrderDraftUpdateSerializer(serializers.Serializer):
    """Any of these; those left out keep their value."""

    customer = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="An existing customer's id; null with the new_customer_* fields "
        "for a new one.",
    )
    new_customer_name = serializers.CharField(required=False)
    new_customer_account_code = serializers.CharField(required=False)
    new_customer_contact_name = serializers.CharField(required=False)
    new_customer_email = serializers.EmailField(required=False)
    new_customer_phone = serializers.CharField(required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    customer_reference = serializers.CharField(
        required=False,
        help_text="Not when a question of the form supplies it (answer that).",
    )
    requested_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Not when a question of the form supplies it (answer that).",
    )
    documented_statement = serializers.BooleanField(required=False)
    answers = serializers.DictField(required=False, help_text=ANSWERS_HELP)
    submit = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Submit for review after saving: every required, visible "
        "question must then be answered.",
    )


class ChangeOrderUpdateSerializer(serializers.Serializer):
    answers = serializers.DictField(required=False, help_text=ANSWERS_HELP)
    submit = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Submit the change order after saving.",
    )


class ChangeOrderCreateSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=4000, help_text="Why the requirements change."
    )
    channel = serializers.ChoiceField(
        choices=Channel.choices, help_text="How the change reached us."
    )
    requested_by = serializers.CharField(
        max_length=200, help_text="Who at the customer asked for it."
    )
    documented_statement = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="Did the customer give the change in writing? Required for a "
        "change by phone or in person; otherwise true unless false is sent.",
    )
    request_subject = serializers.CharField(
        required=False,
        max_length=300,
        help_text="Fill in to put the customer's request on file with the order.",
    )
    request_body = serializers.CharField(required=False, max_length=20000)


class ChangeOrderCreateMultipartSerializer(ChangeOrderCreateSerializer):
    request_attachment = serializers.FileField(
        required=False, help_text="The customer's document (multipart only)."
    )


class FileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The file, within the question's limits.")


class FileAnswerSerializer(serializers.Serializer):
    """A stored file answer: what the signed content names (never its path)."""

    question = serializers.CharField(help_text="The question's key.")
    name = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    content_type = serializers.CharField()


class LineFileAnswerSerializer(FileAnswerSerializer):
    """A stored file answer of one line."""

    line = serializers.CharField(help_text="The line's key (L1, L2, ...).")


def lines_shown(answers: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The stored lines for a client, in the shape a PATCH sends them under
    "@lines": section name -> [{"line": "L1", "answers": {...}}], each entry's
    answers as answers_shown gives them ({} when the answers have no lines)."""
    stored = answers.get(lines.LINES)
    if not isinstance(stored, Mapping):
        return {}
    return {
        str(name): [
            {"line": entry["line"], "answers": answers_shown(entry["answers"])}
            for entry in lines.entries_of(answers, name)
        ]
        for name in stored
    }


def answers_shown(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Stored answers for a client: a file as its name, size and hash (never its
    path), an amount as it is, the lines with their entries' answers the same way;
    the order's line counter is its own business."""
    shown: dict[str, Any] = {}
    for key, value in answers.items():
        if key == lines.LINES and isinstance(value, Mapping):
            value = lines_shown(answers)
        elif key.startswith("@"):
            continue
        elif isinstance(value, Mapping) and "sha256" in value:
            value = {
                name: value.get(name)
                for name in ("name", "size", "sha256", "content_type")
            }
        shown[key] = value
    return shown


class ChangeOrderSerializer(RevisionSerializer):
    order = serializers.CharField(source="order.number", read_only=True)
    revision = serializers.IntegerField(source="number", read_only=True)
    answers = serializers.SerializerMethodField()

    class Meta(RevisionSerializer.Meta):
        fields = (
            "order",
            "revision",
            *(name for name in RevisionSerializer.Meta.fields if name != "number"),
            "documented_statement",
            "answers",
        )

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": True,
            "description": "Question key -> answer; a file answer is an object "
            'with name, size, sha256 and content_type. The lines under "@lines" '
            "as a PATCH sends them (section name -> [{line, answers}]).",
        }
    )
    def get_answers(self, revision: RequirementSet) -> dict[str, Any]:
        return answers_shown(revision.answers)
