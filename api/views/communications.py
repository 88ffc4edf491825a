"""Communications: the log with the web list's filters and keyset pages, one
communication with its attachments, and recording one (JSON, or multipart with a
file as the web form does) -- the communication pages' roles, forms, selectors
and services (customer service records; auditors read)."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import BoundedJSONParser, BoundedMultiPartParser
from api.permissions import roles_allowed
from api.serializers.communications import (
    CommunicationDetailSerializer,
    CommunicationInputSerializer,
    CommunicationMultipartSerializer,
    CommunicationRowSerializer,
)
from api.views.common import (
    AFTER_PARAMETER,
    DETAIL_PROBLEMS,
    ID_PARAMETER,
    LIST_PROBLEMS,
    READ_PROBLEMS,
    form_checked,
    form_data,
    form_errors,
    keyset_response,
    page_serializer,
    problems,
)
from communications import selectors, services
from communications.attachments import attachment_check
from communications.forms import CommunicationFilterForm, CommunicationForm
from communications.models import Communication
from orderreview import roles

# The pages these mirror: communications:communication_list, communication_create,
# communication_detail, attachment_add and attachment_download.
CommunicationAccess = roles_allowed(roles.CUSTOMER_SERVICE, read_only=roles.AUDITORS)

ATTACHMENT = "attachment"
TEXT_FIELDS = tuple(
    name for name in CommunicationForm.base_fields if name != ATTACHMENT
)
MULTIPART = "multipart/form-data"
TOO_MANY_FILES = (
    "One file when recording; add more with POST "
    "/api/v1/communications/{id}/attachments/."
)

FILTER_PARAMETERS = [
    OpenApiParameter("q", str, description="Part of the subject or text."),
    OpenApiParameter("customer", int, description="A customer's id."),
    OpenApiParameter(
        "order", str, description="An order's number: its communications only."
    ),
    OpenApiParameter("kind", str, enum=Communication.Kind.values),
    OpenApiParameter("direction", str, enum=Communication.Direction.values),
    OpenApiParameter("channel", str, enum=Communication.Channel.values),
    OpenApiParameter(
        "follow_up",
        str,
        enum=[value for value in Communication.FollowUp.values if value] + ["pending"],
        description="A follow-up state; pending is open or in progress.",
    ),
    OpenApiParameter(
        "occurred_from", str, description="Happened on or after (YYYY-MM-DD)."
    ),
    OpenApiParameter(
        "occurred_to", str, description="Happened on or before (YYYY-MM-DD)."
    ),
    AFTER_PARAMETER,
]

RECORD_PROBLEMS = {
    **READ_PROBLEMS,
    **problems(
        s400="Invalid input, per field",
        s415="Not sent as JSON or multipart/form-data",
    ),
}


def communication_or_404(pk: int) -> Communication:
    try:
        return selectors.communication_detail(pk)
    except Communication.DoesNotExist:
        raise Http404 from None


def _merge(errors: dict[str, list[str]], more: dict[str, Any]) -> None:
    """Add more's messages for fields that have none yet: the first reason a
    field was refused is the one a client can act on."""
    for field, messages in more.items():
        if field not in errors:
            errors[field] = [str(m) for m in messages]


def _multipart_body(
    request: Request, errors: dict[str, list[str]]
) -> tuple[dict[str, Any], list[UploadedFile]]:
    files = request.FILES
    body: dict[str, Any] = {}
    for name in request.data:
        if name in files:
            continue
        values = request.data.getlist(name)
        body[name] = values[0] if len(values) == 1 else values
    for name in files:
        if name != ATTACHMENT:
            body[name] = []
            errors[name] = ["Send text here, not a file."]
    if ATTACHMENT in body and ATTACHMENT not in files:
        errors[ATTACHMENT] = ["Send a file here, not text."]
    return body, files.getlist(ATTACHMENT)


def _record_input(request: Request) -> tuple[dict[str, str], UploadedFile | None]:
    """The text fields and the file of a request to record a communication, or
    every error at once (unknown fields, lists, the form's, the file's)."""
    errors: dict[str, list[str]] = {}
    if (request.content_type or "").startswith(MULTIPART):
        body, uploads = _multipart_body(request, errors)
    else:
        body, uploads = request.data, []
        if not isinstance(body, dict):
            raise exceptions.ValidationError(
                "Send a JSON object with the fields as its members."
            )
        if ATTACHMENT in body:
            errors[ATTACHMENT] = ["Send files as multipart/form-data."]
    _merge(
        errors,
        {
            str(name): ["There is no such field."]
            for name in body
            if name not in (*TEXT_FIELDS, ATTACHMENT)
        },
    )
    if len(uploads) > 1:
        errors[ATTACHMENT] = [TOO_MANY_FILES]
    upload = uploads[0] if len(uploads) == 1 else None
    text = {name: value for name, value in body.items() if name in TEXT_FIELDS}
    try:
        data = form_data(text, TEXT_FIELDS)
    except exceptions.ValidationError as error:
        _merge(errors, error.detail)
        data = form_data(
            {k: v for k, v in text.items() if not isinstance(v, dict | list)},
            TEXT_FIELDS,
        )
    form = CommunicationForm(data, {ATTACHMENT: upload} if upload else {})
    if not form.is_valid():
        _merge(errors, form_errors(form))
    if upload is not None and ATTACHMENT not in errors:
        try:
            attachment_check(upload)
        except DjangoValidationError as error:
            _merge(errors, error.message_dict)
    if errors:
        raise exceptions.ValidationError(errors)
    return form.cleaned_data, upload


class CommunicationList(APIView):
    permission_classes = [CommunicationAccess]
    parser_classes = [BoundedJSONParser, BoundedMultiPartParser]

    @extend_schema(
        operation_id="communications_list",
        summary="List the communication log",
        parameters=FILTER_PARAMETERS,
        responses={
            200: page_serializer("CommunicationPage", CommunicationRowSerializer),
            **LIST_PROBLEMS,
        },
    )
    def get(self, request: Request) -> Response:
        filters = form_checked(CommunicationFilterForm(request.query_params))
        return keyset_response(
            request,
            selectors.communications_filtered(filters.cleaned_data),
            CommunicationRowSerializer,
            size=selectors.PAGE_SIZE,
        )

    @extend_schema(
        operation_id="communications_create",
        summary="Record a communication, with one file if sent as multipart",
        request={
            "application/json": CommunicationInputSerializer,
            MULTIPART: CommunicationMultipartSerializer,
        },
        responses={201: CommunicationDetailSerializer, **RECORD_PROBLEMS},
    )
    def post(self, request: Request) -> Response:
        data, upload = _record_input(request)
        communication = services.communication_record(
            customer=data["customer"],
            order=data["order"],
            direction=data["direction"],
            channel=data["channel"],
            kind=data["kind"],
            subject=data["subject"],
            body=data["body"],
            occurred_at=data["occurred_at"],
            recorded_by=request.user,
            attachment=upload,
        )
        return Response(
            CommunicationDetailSerializer(communication_or_404(communication.pk)).data,
            status=status.HTTP_201_CREATED,
            headers={
                "Location": reverse("api:communication_detail", args=[communication.pk])
            },
        )


class CommunicationDetail(APIView):
    permission_classes = [CommunicationAccess]

    @extend_schema(
        operation_id="communications_read",
        parameters=[ID_PARAMETER],
        summary="Read one communication with its attachments",
        responses={200: CommunicationDetailSerializer, **DETAIL_PROBLEMS},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(CommunicationDetailSerializer(communication_or_404(pk)).data)
