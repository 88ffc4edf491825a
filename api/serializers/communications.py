"""Communications as the API shows them: rows of the log, one communication with
its attachments, and the documented input of "record a communication" (checked by
the web page's own form, communications.forms.CommunicationForm)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.orders import PERSON_SCHEMA, CustomerBriefSerializer, person
from communications.models import Communication, CommunicationAttachment
from orderreview import textlimits


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    sha256 = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = CommunicationAttachment
        fields = (
            "id",
            "name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "download_url",
        )

    @extend_schema_field(
        {
            "type": "string",
            "nullable": True,
            "description": "SHA-256 of the file, hex; null only for a file that "
            "was already missing from storage when hashes were first kept.",
        }
    )
    def get_sha256(self, attachment: CommunicationAttachment) -> str | None:
        return attachment.sha256 or None

    def get_download_url(self, attachment: CommunicationAttachment) -> str:
        return reverse(
            "api:communication_attachment",
            args=[attachment.communication_id, attachment.pk],
        )


class CommunicationRowSerializer(serializers.ModelSerializer):
    customer = CustomerBriefSerializer(read_only=True)
    order = serializers.SlugRelatedField(
        slug_field="number",
        read_only=True,
        allow_null=True,
        help_text="The order's number, or null.",
    )
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = Communication
        fields = (
            "id",
            "customer",
            "order",
            "direction",
            "channel",
            "kind",
            "subject",
            "occurred_at",
            "recorded_at",
            "recorded_by",
            "follow_up",
        )

    @extend_schema_field(PERSON_SCHEMA)
    def get_recorded_by(self, communication: Communication) -> dict[str, str] | None:
        # Null for what the system recorded itself (a notice it sent).
        return person(communication.recorded_by)


class CommunicationDetailSerializer(CommunicationRowSerializer):
    closed_by = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta(CommunicationRowSerializer.Meta):
        fields = (
            *CommunicationRowSerializer.Meta.fields,
            "body",
            "resolution",
            "closed_at",
            "closed_by",
            "attachments",
        )

    @extend_schema_field(PERSON_SCHEMA)
    def get_closed_by(self, communication: Communication) -> dict[str, str] | None:
        return person(communication.closed_by)


class CommunicationInputSerializer(serializers.Serializer):
    """The body of "record a communication". Documents the input; the web page's
    form validates it."""

    customer = serializers.IntegerField(help_text="The customer's id.")
    order = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=30,
        help_text="Optional: the order's number; it must be this customer's.",
    )
    direction = serializers.ChoiceField(choices=Communication.Direction.choices)
    channel = serializers.ChoiceField(choices=Communication.Channel.choices)
    kind = serializers.ChoiceField(
        choices=Communication.Kind.choices,
        help_text="Feedback and complaints are followed up until closed.",
    )
    subject = serializers.CharField(max_length=200, help_text="One line.")
    body = serializers.CharField(
        required=False, allow_blank=True, max_length=textlimits.BODY
    )
    occurred_at = serializers.DateTimeField(
        help_text="When it happened (ISO 8601); not in the future."
    )


class CommunicationMultipartSerializer(CommunicationInputSerializer):
    attachment = serializers.FileField(
        required=False,
        help_text="Optional: one PDF, image, Word, Excel, text or e-mail file, "
        "at most 10 MB.",
    )


class AttachmentInputSerializer(serializers.Serializer):
    attachment = serializers.FileField(
        help_text="PDF, image, Word, Excel, text or e-mail file, at most 10 MB."
    )
