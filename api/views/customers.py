"""Customers: list with search, read one, create, update -- the customer pages'
rules (customer service; auditors read), form and services."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import CustomerAccess
from api.serializers.customers import CustomerInputSerializer, CustomerSerializer
from api.views.common import (
    AFTER_PARAMETER,
    DETAIL_PROBLEMS,
    ID_PARAMETER,
    LIST_PROBLEMS,
    WRITE_PROBLEMS,
    body_object,
    form_checked,
    form_data,
    keyset_response,
    page_serializer,
)
from orders import selectors, services
from orders.forms import CustomerForm, CustomerSearchForm
from orders.models import Customer
from orders.services import CUSTOMER_FIELDS


class CustomerList(APIView):
    permission_classes = [CustomerAccess]

    @extend_schema(
        operation_id="customers_list",
        summary="List customers",
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description="Part of the name, account code, contact or "
                "e-mail address.",
            ),
            AFTER_PARAMETER,
        ],
        responses={
            200: page_serializer("CustomerPage", CustomerSerializer),
            **LIST_PROBLEMS,
        },
    )
    def get(self, request: Request) -> Response:
        search = form_checked(CustomerSearchForm(request.query_params))
        return keyset_response(
            request,
            selectors.customers_search(search.cleaned_data["q"]),
            CustomerSerializer,
        )

    @extend_schema(
        operation_id="customers_create",
        summary="Create a customer",
        request=CustomerInputSerializer,
        responses={201: CustomerSerializer, **WRITE_PROBLEMS},
    )
    def post(self, request: Request) -> Response:
        body = body_object(request, CUSTOMER_FIELDS)
        form = form_checked(CustomerForm(form_data(body, CUSTOMER_FIELDS)))
        customer = services.customer_create(user=request.user, data=form.cleaned_data)
        return Response(
            CustomerSerializer(customer).data,
            status=201,
            headers={"Location": reverse("api:customer_detail", args=[customer.pk])},
        )


class CustomerDetail(APIView):
    permission_classes = [CustomerAccess]

    @extend_schema(
        operation_id="customers_read",
        parameters=[ID_PARAMETER],
        summary="Read one customer",
        responses={200: CustomerSerializer, **DETAIL_PROBLEMS},
    )
    def get(self, request: Request, pk: int) -> Response:
        customer = get_object_or_404(Customer, pk=pk)
        return Response(CustomerSerializer(customer).data)

    @extend_schema(
        operation_id="customers_update",
        parameters=[ID_PARAMETER],
        summary="Update a customer (only the fields sent change)",
        request=CustomerInputSerializer(partial=True),
        responses={200: CustomerSerializer, **WRITE_PROBLEMS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        customer = get_object_or_404(Customer, pk=pk)
        changes = form_data(body_object(request, CUSTOMER_FIELDS), CUSTOMER_FIELDS)
        current = {field: getattr(customer, field) for field in CUSTOMER_FIELDS}
        form = form_checked(CustomerForm({**current, **changes}, instance=customer))
        customer = services.customer_update(
            customer=customer, user=request.user, data=form.cleaned_data
        )
        return Response(CustomerSerializer(customer).data)
