"""Updating a draft order (PATCH /api/v1/orders/<number>/): header fields and
answers, partial, checked by the draft page's own forms (orders:order_edit) and
kept by its services; every error per field in one response, nothing kept on a
refusal."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers.draft_input import OrderDraftUpdateSerializer
from api.serializers.orders import OrderDetailSerializer
from api.views import order_writes
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
    AnswerUpdate,
    header_refusal,
    not_a_draft,
)
from orders import services as order_services
from orders.forms import DOCUMENTED, UNDOCUMENTED, OrderHeaderForm, header_initial
from orders.models import Order
from orders.services import mapped_fields
from pages.order_views import order_or_404
from requirements.draft_editing import order_draft_revision

# Every header field a new order takes; a draft keeps its form, and a header fact
# one of its questions supplies is changed through that answer.
HEADER_FIELDS = tuple(name for name in OrderHeaderForm.base_fields if name != "form")
BODY_FIELDS = ("form", *HEADER_FIELDS, ANSWERS_KEY, "submit")


def _as_field_string(value: Any) -> Any:
    if isinstance(value, bool):
        return DOCUMENTED if value else UNDOCUMENTED
    return value


def _header_data(order: Order, body: dict[str, Any]) -> dict[str, str]:
    """The draft's header as the edit page shows it, with the sent fields over it."""
    current = {
        name: "" if value is None else str(value)
        for name, value in header_initial(order).items()
    }
    sent = {name: body[name] for name in HEADER_FIELDS if name in body}
    if "documented_statement" in sent:
        sent["documented_statement"] = _as_field_string(sent["documented_statement"])
    return {**current, **form_data(sent, HEADER_FIELDS)}


def _fixed_field_errors(order: Order, body: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if "form" in body:
        errors["form"] = ["A draft keeps its order form: enter a new order instead."]
    for name, question in mapped_fields(order.form_version).items():
        if name in body:
            errors[str(name)] = [
                f"The answer to “{question.label}” ({question.key}) sets this: "
                "change that answer."
            ]
    return errors


def draft_update(request: Request, number: str) -> Response:
    """Header and answers of a draft order, like its edit page; submit if asked."""
    order = order_or_404(number)
    revision = order_draft_revision(order)
    if revision is None:
        raise not_a_draft(order)
    body = body_object(request, BODY_FIELDS)
    errors = _fixed_field_errors(order, body)
    header = None
    if any(name in body for name in HEADER_FIELDS):
        header = OrderHeaderForm(_header_data(order, body), order=order)
        if not header.is_valid():
            errors.update(form_errors(header))
    answers = AnswerUpdate(revision, body)
    errors.update(answers.errors)
    if errors:
        raise exceptions.ValidationError(errors)
    with transaction.atomic():
        if header is not None:
            try:
                order_services.order_header_update(
                    order=order, user=request.user, **header.service_kwargs()
                )
            except ValidationError as error:
                raise header_refusal(error) from None
        answers.save(request.user)
    return order_writes.order_response(order)


UPDATE_SCHEMA = extend_schema(
    operation_id="orders_update",
    summary="Update a draft order: header fields and answers (partial); submit it "
    "if asked",
    description="Only the fields sent change. Answers merge into the draft's: "
    "null removes one. Checked like the draft's web page, every error per field "
    "in one response; nothing is kept on a refusal.",
    parameters=[ORDER_NUMBER_PARAMETER],
    request=OrderDraftUpdateSerializer,
    responses={
        200: OrderDetailSerializer,
        **WRITE_PROBLEMS,
        **problems(s409="The order is no longer a draft"),
    },
)
