"""Order forms and one version's questions: what a client needs to build its own
input for a new order (kinds, limits, choices, show-if rules)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from orders.models import OrderForm, OrderFormVersion, Question
from orders.orderforms.answers import question_choices
from orders.uploads import file_extensions


class PublishedFormSerializer(serializers.ModelSerializer):
    published_version = serializers.SerializerMethodField()

    class Meta:
        model = OrderForm
        fields = ("slug", "name", "description", "published_version")

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "number": {"type": "integer"},
                "published_at": {"type": "string", "format": "date-time"},
                "change_note": {"type": "string"},
            },
        }
    )
    def get_published_version(self, form: OrderForm) -> dict[str, Any]:
        # forms_published prefetches exactly the one published version.
        version = form.published[0]
        return {
            "number": version.number,
            "published_at": version.published_at,
            "change_note": version.change_note,
        }


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class ShowIfSerializer(serializers.Serializer):
    question = serializers.CharField(help_text="The key of the controlling question.")
    values = serializers.ListField(
        child=serializers.CharField(),
        help_text="The question shows when that answer is one of these.",
    )


class QuestionSerializer(serializers.ModelSerializer):
    choices = serializers.SerializerMethodField()
    allowed_file_types = serializers.SerializerMethodField()
    discipline = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    show_if = serializers.SerializerMethodField()

    class Meta:
        model = Question
        fields = (
            "key",
            "label",
            "help_text",
            "kind",
            "required",
            "choices",
            "min_value",
            "max_value",
            "max_length",
            "pattern",
            "pattern_hint",
            "unit",
            "currencies",
            "allowed_file_types",
            "max_file_size_kb",
            "section",
            "position",
            "category",
            "discipline",
            "show_if",
            "maps_to",
        )

    @extend_schema_field(ChoiceSerializer(many=True))
    def get_choices(self, question: Question) -> list[dict[str, str]]:
        return [
            {"value": value, "label": label}
            for value, label in question_choices(question)
        ]

    def get_allowed_file_types(self, question: Question) -> list[str]:
        return file_extensions(question)

    @extend_schema_field(ShowIfSerializer(allow_null=True))
    def get_show_if(self, question: Question) -> dict[str, Any] | None:
        if not question.show_if_question:
            return None
        return {
            "question": question.show_if_question,
            "values": [str(value) for value in question.show_if_values or []],
        }


class FormVersionSerializer(serializers.ModelSerializer):
    form = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    form_name = serializers.CharField(source="form.name", read_only=True)
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = OrderFormVersion
        fields = (
            "form",
            "form_name",
            "number",
            "status",
            "change_note",
            "published_at",
            "questions",
        )
