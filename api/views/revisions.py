"""An order's revisions, one revision's requirements, and the diff between two
revisions: read-only, with the order page's and the change-order page's rules
(orders:order_detail, requirements:revision_changes) and their selectors."""

import re

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import OrderAccess
from api.serializers.revisions import (
    DiffSerializer,
    RevisionDetailSerializer,
    RevisionSummarySerializer,
)
from api.views.common import (
    DETAIL_PROBLEMS,
    ORDER_NUMBER_PARAMETER,
    path_parameter,
    problems,
)
from audit.disposal_plan import order_disposal
from orders.models import Order
from pages.order_views import order_or_404
from requirements import selectors as req_selectors
from requirements.models import RequirementSet

REVISION_PARAMETER = path_parameter(
    "revision", {"type": "integer", "minimum": 1}, "The revision's number (1: intake)."
)
# A revision number as a client may send it: digits, not absurdly many.
REVISION_NUMBER = re.compile(r"[0-9]{1,9}")


def revision_of(revisions: list[RequirementSet], number: int) -> RequirementSet:
    """The revision of this number among an order's revisions, or Http404."""
    found = next((r for r in revisions if r.number == number), None)
    if found is None:
        raise Http404(f"The order has no revision {number}.")
    return found


class RevisionList(APIView):
    permission_classes = [OrderAccess]

    @extend_schema(
        operation_id="orders_revisions_list",
        summary="List an order's revisions, oldest first (its revision history)",
        parameters=[ORDER_NUMBER_PARAMETER],
        responses={200: RevisionSummarySerializer(many=True), **DETAIL_PROBLEMS},
    )
    def get(self, request: Request, number: str) -> Response:
        # An order has a handful of revisions: all of them, as the order page.
        revisions = req_selectors.revisions_for_order(order_or_404(number))
        return Response(RevisionSummarySerializer(revisions, many=True).data)


class RevisionDetail(APIView):
    permission_classes = [OrderAccess]

    @extend_schema(
        operation_id="orders_revisions_read",
        summary="Read one revision with its requirements",
        parameters=[ORDER_NUMBER_PARAMETER, REVISION_PARAMETER],
        responses={200: RevisionDetailSerializer, **DETAIL_PROBLEMS},
    )
    def get(self, request: Request, number: str, revision: int) -> Response:
        order = order_or_404(number)
        selected = revision_of(req_selectors.revisions_for_order(order), revision)
        draft = selected.state == RequirementSet.State.DRAFT
        context = {
            "groups": req_selectors.requirements_by_category(selected),
            "draft_answers": (
                req_selectors.draft_answers(order, selected) if draft else []
            ),
            "disposal": order_disposal(order),
        }
        return Response(RevisionDetailSerializer(selected, context=context).data)


def _number_param(request: Request, name: str, errors: dict) -> int | None:
    raw = request.query_params.get(name, "")
    if raw == "":
        return None
    if not REVISION_NUMBER.fullmatch(raw) or int(raw) < 1:
        errors[name] = ["Send a revision number: a whole number from 1."]
        return None
    return int(raw)


def _diff_ends(
    order: Order, request: Request
) -> tuple[RequirementSet | None, RequirementSet]:
    """The revisions to compare: to (default the newest) and from (default what
    the change-order page compares it with), checked per field."""
    errors: dict[str, list[str]] = {}
    start = _number_param(request, "from", errors)
    end = _number_param(request, "to", errors)
    if start is not None and end is not None and start >= end:
        errors["from"] = [f"Name a revision before revision {end}."]
    if errors:
        raise exceptions.ValidationError(errors)
    revisions = req_selectors.revisions_for_order(order)
    if not revisions:
        raise Http404("The order has no revisions.")
    later = revision_of(revisions, end) if end is not None else revisions[-1]
    if start is not None and start >= later.number:
        raise exceptions.ValidationError(
            {"from": [f"Name a revision before revision {later.number}."]}
        )
    earlier = revision_of(revisions, start) if start is not None else None
    return earlier, later


class RevisionDiff(APIView):
    permission_classes = [OrderAccess]

    @extend_schema(
        operation_id="orders_diff",
        summary="What changed between two revisions: added, removed, changed",
        description="Requirements are matched by key; a requirement is changed when "
        "its statement, value, category or discipline differ (what a review "
        "assesses). Without `from`, the revision is compared with what the "
        "change-order page compares it with: the last revision accepted before "
        "it (with any conditions agreed), else the one just before it.",
        parameters=[
            ORDER_NUMBER_PARAMETER,
            OpenApiParameter(
                "from",
                int,
                description="The earlier revision's number (default: the baseline "
                "of `to`).",
            ),
            OpenApiParameter(
                "to",
                int,
                description="The later revision's number (default: the newest).",
            ),
        ],
        responses={
            200: DiffSerializer,
            **DETAIL_PROBLEMS,
            **problems(s400="Invalid from or to, per field"),
        },
    )
    def get(self, request: Request, number: str) -> Response:
        order = order_or_404(number)
        earlier, later = _diff_ends(order, request)
        if earlier is None:
            earlier = req_selectors.diff_baseline(later)
        if earlier is None:
            raise Http404("The first revision has nothing to compare with.")
        diff = req_selectors.revision_diff(later, baseline=earlier)
        return Response(DiffSerializer(diff).data)
