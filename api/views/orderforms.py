"""Published order forms, and one version's questions, so a client can build its
own input for a new order."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import selectors
from api.permissions import OrderFormAccess
from api.serializers.orderforms import FormVersionSerializer, PublishedFormSerializer
from api.views.common import (
    AFTER_PARAMETER,
    DETAIL_PROBLEMS,
    LIST_PROBLEMS,
    NUMBER_PARAMETER,
    SLUG_PARAMETER,
    keyset_response,
    page_serializer,
)


class PublishedFormList(APIView):
    permission_classes = [OrderFormAccess]

    @extend_schema(
        operation_id="order_forms_list",
        summary="List the order forms new orders may use",
        parameters=[AFTER_PARAMETER],
        responses={
            200: page_serializer("PublishedFormPage", PublishedFormSerializer),
            **LIST_PROBLEMS,
        },
    )
    def get(self, request: Request) -> Response:
        return keyset_response(
            request, selectors.forms_published(), PublishedFormSerializer
        )


class FormVersionDetail(APIView):
    permission_classes = [OrderFormAccess]

    @extend_schema(
        operation_id="order_form_version_read",
        parameters=[SLUG_PARAMETER, NUMBER_PARAMETER],
        summary="Read one version of a form with its questions",
        responses={200: FormVersionSerializer, **DETAIL_PROBLEMS},
    )
    def get(self, request: Request, slug: str, number: int) -> Response:
        version = selectors.form_version_released(slug, number)
        return Response(FormVersionSerializer(version).data)
