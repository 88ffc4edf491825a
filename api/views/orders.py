"""Orders: the order list with the web list's filters and keyset pages, and one
order's header, status and revisions -- the order pages' rules and selectors."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import OrderAccess
from api.serializers.orders import OrderDetailSerializer, OrderRowSerializer
from api.views import draft_updates, order_writes
from api.views.common import (
    AFTER_PARAMETER,
    DETAIL_PROBLEMS,
    LIST_PROBLEMS,
    ORDER_NUMBER_PARAMETER,
    form_checked,
    keyset_response,
    page_serializer,
)
from orders import selectors
from orders.forms import OrderFilterForm
from orders.models import Order
from pages import selectors as page_selectors
from pages.order_views import order_or_404
from requirements import selectors as req_selectors

FILTER_PARAMETERS = [
    OpenApiParameter("q", str, description="Order number, customer or reference."),
    OpenApiParameter(
        "kind", str, enum=["order", "quote"], description="Orders or quotes only."
    ),
    OpenApiParameter("status", str, enum=[value for value, _ in Order.Status.choices]),
    OpenApiParameter("customer", int, description="A customer's id."),
    OpenApiParameter("form", int, description="An order form's id."),
    OpenApiParameter("channel", str),
    OpenApiParameter("date_from", str, description="Entered on or after (YYYY-MM-DD)."),
    OpenApiParameter("date_to", str, description="Entered on or before (YYYY-MM-DD)."),
    OpenApiParameter(
        "to_assess", int, description="A discipline's id: orders it still assesses."
    ),
    OpenApiParameter("sort", str, enum=list(selectors.ORDER_SORTS)),
    AFTER_PARAMETER,
]


class OrderList(APIView):
    permission_classes = [OrderAccess]

    @extend_schema(
        operation_id="orders_list",
        summary="List orders",
        parameters=FILTER_PARAMETERS,
        responses={
            200: page_serializer("OrderPage", OrderRowSerializer),
            **LIST_PROBLEMS,
        },
    )
    def get(self, request: Request) -> Response:
        filters = form_checked(OrderFilterForm(request.query_params))
        return keyset_response(
            request,
            page_selectors.orders_listed(filters.cleaned_data),
            OrderRowSerializer,
        )

    @order_writes.CREATE_SCHEMA
    def post(self, request: Request) -> Response:
        return order_writes.draft_create(request)


class OrderDetail(APIView):
    permission_classes = [OrderAccess]

    @extend_schema(
        operation_id="orders_read",
        parameters=[ORDER_NUMBER_PARAMETER],
        summary="Read one order: header, status and revisions",
        responses={200: OrderDetailSerializer, **DETAIL_PROBLEMS},
    )
    def get(self, request: Request, number: str) -> Response:
        order = order_or_404(number)
        context = {"revisions": req_selectors.revisions_for_order(order)}
        return Response(OrderDetailSerializer(order, context=context).data)

    @draft_updates.UPDATE_SCHEMA
    def patch(self, request: Request, number: str) -> Response:
        return draft_updates.draft_update(request, number)
