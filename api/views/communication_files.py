"""A communication's files: attach one more (multipart, as the communication page's
"attach a file" form) and download one -- the web download's roles, served the
same guarded way (as an attachment, never rendered in our origin)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import BoundedMultiPartParser
from api.serializers.communications import (
    AttachmentInputSerializer,
    AttachmentSerializer,
)
from api.views.common import (
    DETAIL_PROBLEMS,
    ID_PARAMETER,
    form_errors,
    path_parameter,
    problems,
)
from api.views.communications import ATTACHMENT, CommunicationAccess
from communications import services
from communications.attachments import ATTACHMENT_TYPES
from communications.forms import AttachmentForm
from communications.models import Communication, CommunicationAttachment
from orderreview.downloads import file_download

ATTACHMENT_ID_PARAMETER = path_parameter(
    "attachment_id", {"type": "integer", "minimum": 1}, "The attachment's id."
)
ATTACH_PROBLEMS = {
    **DETAIL_PROBLEMS,
    **problems(s400="Invalid input, per field", s415="Not sent as multipart/form-data"),
}
FILE_TYPES = sorted({content_type for content_type, _ in ATTACHMENT_TYPES.values()})


class AttachmentAdd(APIView):
    permission_classes = [CommunicationAccess]
    parser_classes = [BoundedMultiPartParser]

    @extend_schema(
        operation_id="communications_attachments_create",
        summary="Attach a file to a communication",
        parameters=[ID_PARAMETER],
        request={"multipart/form-data": AttachmentInputSerializer},
        responses={201: AttachmentSerializer, **ATTACH_PROBLEMS},
    )
    def post(self, request: Request, pk: int) -> Response:
        communication = get_object_or_404(Communication, pk=pk)
        files = request.FILES
        errors = {
            name: ["There is no such field."]
            for name in request.data
            if name != ATTACHMENT
        }
        if ATTACHMENT in request.data and ATTACHMENT not in files:
            errors[ATTACHMENT] = ["Send a file here, not text."]
        elif len(files.getlist(ATTACHMENT)) > 1:
            errors[ATTACHMENT] = ["One file per request."]
        form = AttachmentForm({}, files)
        if ATTACHMENT not in errors and not form.is_valid():
            errors.update(form_errors(form))
        if errors:
            raise exceptions.ValidationError(errors)
        try:
            attachment = services.attachment_add(
                communication=communication,
                upload=form.cleaned_data[ATTACHMENT],
                user=request.user,
            )
        except DjangoValidationError as error:
            raise exceptions.ValidationError(error.message_dict) from None
        data = AttachmentSerializer(attachment).data
        return Response(
            data,
            status=status.HTTP_201_CREATED,
            headers={"Location": data["download_url"]},
        )


class JSONErrorsOnly(DefaultContentNegotiation):
    """A download answers with the file's own type whatever Accept says; its
    errors are problem details in JSON (the one renderer of the view)."""

    def select_renderer(self, request: Request, renderers: list, format_suffix=None):  # noqa: ANN001, ANN201
        return renderers[0], renderers[0].media_type


class AttachmentDownload(APIView):
    permission_classes = [CommunicationAccess]
    content_negotiation_class = JSONErrorsOnly

    @extend_schema(
        operation_id="communications_attachments_download",
        summary="Download a communication's file",
        parameters=[ID_PARAMETER, ATTACHMENT_ID_PARAMETER],
        responses={
            **{
                (200, content_type): OpenApiResponse(
                    OpenApiTypes.BINARY, description="The file, as an attachment."
                )
                for content_type in FILE_TYPES
            },
            **DETAIL_PROBLEMS,
        },
    )
    def get(self, request: Request, pk: int, attachment_id: int) -> FileResponse:
        attachment = get_object_or_404(
            CommunicationAttachment, pk=attachment_id, communication_id=pk
        )
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404("The file is missing from storage.") from None
        return file_download(
            handle,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
