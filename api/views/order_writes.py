"""Entering orders: a new draft with header and answers, and submitting a draft --
checked by the web page's own forms, every error per field in one response."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import OrderAccess
from api.serializers.order_input import OrderCreateSerializer
from api.serializers.orders import OrderDetailSerializer
from api.views.common import (
    ORDER_NUMBER_PARAMETER,
    WRITE_PROBLEMS,
    body_object,
    form_data,
    form_errors,
    problems,
)
from api.views.draft_answers import (
    ANSWERS_KEY,
    answer_data,
    answers_object,
    header_refusal,
    not_a_draft,
    prefixed,
    shape_errors,
    submit_flag,
)
from api.views.line_answers import entries_over_maximum, lines_errors
from orders.forms import DOCUMENTED, UNDOCUMENTED, OrderHeaderForm
from orders.models import Order
from orders.orderforms import lines
from orders.orderforms.answer_form import AnswerForm, answer_form_class
from orders.orderforms.answers import answers_to_initial
from pages.order_views import order_or_404
from requirements import selectors as req_selectors
from requirements import services as req_services
from requirements.draft_editing import order_draft_revision

HEADER_FIELDS = tuple(OrderHeaderForm.base_fields)
BODY_FIELDS = (*HEADER_FIELDS, ANSWERS_KEY, "submit")


def _header_form(body: dict[str, Any]) -> OrderHeaderForm:
    statement = body.get("documented_statement")
    if isinstance(statement, bool):
        body = {
            **body,
            "documented_statement": DOCUMENTED if statement else UNDOCUMENTED,
        }
    data = form_data(body, HEADER_FIELDS)
    header = OrderHeaderForm(data)
    # Programs name a form by its slug (from /api/v1/order-forms/), not its id.
    header.fields["form"].to_field_name = "slug"
    return header


def _answer_errors(form: AnswerForm) -> dict[str, list[str]]:
    return prefixed(form_errors(form))


def order_response(order: Order, code: int = status.HTTP_200_OK) -> Response:
    order = order_or_404(order.number)
    context = {"revisions": req_selectors.revisions_for_order(order)}
    return Response(
        OrderDetailSerializer(order, context=context).data,
        status=code,
        headers={"Location": reverse("api:order_detail", args=[order.number])},
    )


def draft_create(request: Request) -> Response:
    """A new draft order from header and answers (POST on the order list)."""
    body = body_object(request, BODY_FIELDS)
    submit = submit_flag(body)
    answers = answers_object(body)
    header = _header_form(body)
    errors = {} if header.is_valid() else form_errors(header)
    version = header.cleaned_data.get("form_version")
    answer_form = None
    if version is not None and entries_over_maximum(version, answers.get(lines.LINES)):
        errors.update(shape_errors(version, answers, {}))
    elif version is not None:
        answer_form = answer_form_class(version)(
            data=answer_data(version, answers, {}), require_complete=submit
        )
        if not answer_form.is_valid():
            errors.update(_answer_errors(answer_form))
            errors.update(lines_errors(answer_form, answers.get(lines.LINES)))
        # The shape's message is the one to act on where both speak.
        errors.update(shape_errors(version, answers, {}))
    if errors:
        raise exceptions.ValidationError(errors)
    with transaction.atomic():
        try:
            revision = req_services.intake_start(
                user=request.user,
                form_version=version,
                answers=answer_form.answers(),
                **header.service_kwargs(),
            )
        except ValidationError as error:
            raise header_refusal(error) from None
        if submit:
            req_services.revision_submit(revision=revision, user=request.user)
    return order_response(revision.order, status.HTTP_201_CREATED)


CREATE_SCHEMA = extend_schema(
    operation_id="orders_create",
    summary="Enter a new draft order with its answers; submit it at once if asked",
    request=OrderCreateSerializer,
    responses={201: OrderDetailSerializer, **WRITE_PROBLEMS},
)


class OrderSubmit(APIView):
    permission_classes = [OrderAccess]

    @extend_schema(
        operation_id="orders_submit",
        summary="Submit a draft order for review",
        parameters=[ORDER_NUMBER_PARAMETER],
        request=None,
        responses={
            200: OrderDetailSerializer,
            **WRITE_PROBLEMS,
            **problems(s409="The order is no longer a draft"),
        },
    )
    def post(self, request: Request, number: str) -> Response:
        order = order_or_404(number)
        revision = order_draft_revision(order)
        if revision is None:
            raise not_a_draft(order)
        version = order.form_version
        answer_form = answer_form_class(version)(
            data=answer_data(version, revision.answers, revision.answers),
            initial=answers_to_initial(version, revision.answers),
            require_complete=True,
        )
        if not answer_form.is_valid():
            raise exceptions.ValidationError(
                {
                    **_answer_errors(answer_form),
                    **lines_errors(answer_form, None, revision.answers),
                }
            )
        req_services.revision_submit(revision=revision, user=request.user)
        return order_response(order)
