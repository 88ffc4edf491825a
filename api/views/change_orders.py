"""Change orders (ISO 9001 8.2.4): raise one, read and update its draft, upload
its file answers, submit it -- with the change-order pages' form, services and
roles (requirements.views, requirements.change_orders)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import BoundedJSONParser
from api.permissions import OrderAccess
from api.problems import Conflict
from api.serializers.draft_input import (
    ChangeOrderCreateMultipartSerializer,
    ChangeOrderCreateSerializer,
    ChangeOrderSerializer,
    ChangeOrderUpdateSerializer,
    LineFileAnswerSerializer,
)
from api.views.common import (
    DETAIL_PROBLEMS,
    ORDER_NUMBER_PARAMETER,
    WRITE_PROBLEMS,
    body_object,
    form_data,
    form_errors,
    path_parameter,
    problems,
)
from api.views.draft_answers import ANSWERS_KEY, draft_answers_update
from api.views.uploads import (
    KEY_PARAMETER,
    LINE_PARAMETER,
    file_answer_store,
    upload_schema,
)
from orders.models import Order
from pages.order_views import order_or_404
from requirements import change_orders
from requirements import selectors as req_selectors
from requirements.forms import NOT_WRITTEN, WRITTEN, ChangeOrderForm
from requirements.models import RequirementSet

REVISION_PARAMETER = path_parameter(
    "revision",
    {"type": "integer", "minimum": 1},
    "The change order's revision number (2 and up).",
)
ATTACHMENT = "request_attachment"
CREATE_FIELDS = (*ChangeOrderForm.base_fields,)
TEXT_FIELDS = tuple(name for name in CREATE_FIELDS if name != ATTACHMENT)
# JSON's true/false, and multipart's text for them.
WRITTEN_VALUES = {
    True: WRITTEN,
    "true": WRITTEN,
    False: NOT_WRITTEN,
    "false": NOT_WRITTEN,
}


def change_order_or_404(number: str, revision: int) -> RequirementSet:
    """A change order (revision 2 and up) of the order, in any state."""
    found = (
        # The review and its decision (the outcome) by the reviews app's reverse
        # relations' names: one query whatever the change order's state.
        RequirementSet.objects.select_related(
            "order__form_version",
            "created_by",
            "submitted_by",
            "review__decision",
        )
        .filter(order__number=number, number=revision, number__gt=1)
        .first()
    )
    if found is None:
        raise Http404("No change order with this number.")
    return found


def change_draft_or_409(number: str, revision: int) -> RequirementSet:
    found = change_order_or_404(number, revision)
    if found.state != RequirementSet.State.DRAFT:
        raise Conflict(
            f"Revision {found.number} of {number} was already submitted "
            f"({found.get_state_display().lower()})."
        )
    return found


def change_order_response(
    revision: RequirementSet, code: int = status.HTTP_200_OK
) -> Response:
    revision = change_order_or_404(revision.order.number, revision.number)
    url = reverse(
        "api:change_order_detail", args=[revision.order.number, revision.number]
    )
    return Response(
        ChangeOrderSerializer(revision).data, status=code, headers={"Location": url}
    )


def _state_check(order: Order) -> None:
    """409 before the body is read: the order's state refuses any change order."""
    draft = req_selectors.draft_revision(order)
    if draft is not None and draft.number > 1:
        url = reverse("api:change_order_detail", args=[order.number, draft.number])
        raise Conflict(
            f"Revision {draft.number} of {order.number} is already being drafted: "
            f"update it at {url}."
        )
    if order.status not in change_orders.CHANGEABLE:
        raise Conflict(
            f"{order.number} is {order.get_status_display().lower()}: only an "
            "accepted order, one in review or one whose conditions the customer "
            "declined can be changed."
        )


def _change_form(body: dict[str, Any]) -> ChangeOrderForm:
    written = body.get("documented_statement")
    if isinstance(written, bool | str) and written in WRITTEN_VALUES:
        body = {**body, "documented_statement": WRITTEN_VALUES[written]}
    files = {}
    attachment = body.get(ATTACHMENT)
    if isinstance(attachment, UploadedFile):
        files[ATTACHMENT] = attachment
    elif attachment not in (None, ""):
        raise exceptions.ValidationError(
            {ATTACHMENT: ["Send the document as a file part (multipart/form-data)."]}
        )
    return ChangeOrderForm(form_data(body, TEXT_FIELDS), files)


class ChangeOrderList(APIView):
    permission_classes = [OrderAccess]
    parser_classes = [BoundedJSONParser, MultiPartParser]

    @extend_schema(
        operation_id="change_orders_create",
        summary="Raise a change order on an accepted order (or one in review)",
        description="Revision n+1 as a draft, pre-filled with the current "
        "requirements. JSON, or multipart/form-data to put the customer's "
        "document on file with their request.",
        parameters=[ORDER_NUMBER_PARAMETER],
        request={
            "application/json": ChangeOrderCreateSerializer,
            "multipart/form-data": ChangeOrderCreateMultipartSerializer,
        },
        responses={
            201: ChangeOrderSerializer,
            **WRITE_PROBLEMS,
            **problems(
                s409="The order's state allows no change order now (a draft, "
                "closed, waiting for the customer, or a change already drafted)"
            ),
        },
    )
    def post(self, request: Request, number: str) -> Response:
        order = order_or_404(number)
        _state_check(order)
        form = _change_form(body_object(request, CREATE_FIELDS))
        if not form.is_valid():
            raise exceptions.ValidationError(form_errors(form))
        try:
            revision = change_orders.change_order_start(
                order=order, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                raise exceptions.ValidationError(error.message_dict) from None
            raise Conflict(" ".join(error.messages)) from None
        return change_order_response(revision, status.HTTP_201_CREATED)


UPDATE_FIELDS = (ANSWERS_KEY, "submit")


class ChangeOrderDetail(APIView):
    permission_classes = [OrderAccess]

    @extend_schema(
        operation_id="change_orders_read",
        summary="Read one change order: why, who asked, its state and answers",
        parameters=[ORDER_NUMBER_PARAMETER, REVISION_PARAMETER],
        responses={200: ChangeOrderSerializer, **DETAIL_PROBLEMS},
    )
    def get(self, request: Request, number: str, revision: int) -> Response:
        return Response(
            ChangeOrderSerializer(change_order_or_404(number, revision)).data
        )

    @extend_schema(
        operation_id="change_orders_update",
        summary="Update a change order's draft answers (partial); submit if asked",
        description="Answers merge into the draft's: null removes one. Checked "
        "like the change order's web page, every error per field in one response.",
        parameters=[ORDER_NUMBER_PARAMETER, REVISION_PARAMETER],
        request=ChangeOrderUpdateSerializer,
        responses={
            200: ChangeOrderSerializer,
            **WRITE_PROBLEMS,
            **problems(s409="The change order was already submitted"),
        },
    )
    def patch(self, request: Request, number: str, revision: int) -> Response:
        draft = change_draft_or_409(number, revision)
        body = body_object(request, UPDATE_FIELDS)
        draft = draft_answers_update(draft, body, user=request.user)
        return change_order_response(draft)

    @extend_schema(
        operation_id="change_orders_discard",
        summary="Discard a change order that was never submitted",
        parameters=[ORDER_NUMBER_PARAMETER, REVISION_PARAMETER],
        responses={
            204: None,
            **DETAIL_PROBLEMS,
            **problems(s409="The change order was already submitted"),
        },
    )
    def delete(self, request: Request, number: str, revision: int) -> Response:
        draft = change_draft_or_409(number, revision)
        change_orders.change_order_discard(revision=draft, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ChangeOrderSubmit(APIView):
    permission_classes = [OrderAccess]

    @extend_schema(
        operation_id="change_orders_submit",
        summary="Submit a change order: the review re-opens for what changed",
        parameters=[ORDER_NUMBER_PARAMETER, REVISION_PARAMETER],
        request=None,
        responses={
            200: ChangeOrderSerializer,
            **WRITE_PROBLEMS,
            **problems(s409="The change order was already submitted"),
        },
    )
    def post(self, request: Request, number: str, revision: int) -> Response:
        draft = change_draft_or_409(number, revision)
        body = {ANSWERS_KEY: {}, "submit": True}
        draft = draft_answers_update(draft, body, user=request.user)
        return change_order_response(draft)


class ChangeOrderFileUpload(APIView):
    permission_classes = [OrderAccess]
    parser_classes = [MultiPartParser]

    @upload_schema(
        "change_orders_file_upload",
        "Upload the file answering one file question of a change order's draft",
        [ORDER_NUMBER_PARAMETER, REVISION_PARAMETER, KEY_PARAMETER],
    )
    def post(self, request: Request, number: str, revision: int, key: str) -> Response:
        return file_answer_store(request, change_draft_or_409(number, revision), key)


class ChangeOrderLineFileUpload(APIView):
    permission_classes = [OrderAccess]
    parser_classes = [MultiPartParser]

    @upload_schema(
        "change_orders_line_file_upload",
        "Upload the file answering one file question of one line of a change "
        "order's draft",
        [ORDER_NUMBER_PARAMETER, REVISION_PARAMETER, LINE_PARAMETER, KEY_PARAMETER],
        LineFileAnswerSerializer,
    )
    def post(
        self, request: Request, number: str, revision: int, line: str, key: str
    ) -> Response:
        return file_answer_store(
            request, change_draft_or_409(number, revision), key, line
        )
