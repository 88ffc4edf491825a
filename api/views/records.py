"""A revision's review and its acceptance record, as JSON and as the PDF the web
offers: read-only, with the review and record pages' rules (reviews:review_detail,
acceptance_record, acceptance_record_pdf) and their selectors. Signing stays in
the browser, where the signer types their password again."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import ReviewAccess
from api.problems import PROBLEM_CONTENT_TYPE
from api.serializers.reviews import RecordSerializer, ReviewSerializer
from api.views.common import DETAIL_PROBLEMS, ORDER_NUMBER_PARAMETER, problems
from api.views.revisions import REVISION_PARAMETER
from reviews import selectors
from reviews.record_views import record_context, record_pdf

PDF_CONTENT_TYPE = "application/pdf"
PARAMETERS = [ORDER_NUMBER_PARAMETER, REVISION_PARAMETER]


class ReviewState(APIView):
    permission_classes = [ReviewAccess]

    @extend_schema(
        operation_id="orders_revisions_review",
        summary="Read a revision's review: assessments, decision and signatures",
        description="Read-only: assessing and signing stay in the browser (signing "
        "asks for the signer's password again).",
        parameters=PARAMETERS,
        responses={200: ReviewSerializer, **DETAIL_PROBLEMS},
    )
    def get(self, request: Request, number: str, revision: int) -> Response:
        review = selectors.review_for_record(number, revision)
        context = {"overdue": selectors.is_overdue(review)}
        return Response(ReviewSerializer(review, context=context).data)


class AcceptanceRecord(APIView):
    permission_classes = [ReviewAccess]

    @extend_schema(
        operation_id="orders_revisions_record",
        summary="Read a revision's acceptance record (as the record page shows it)",
        description="Once signed, every value is read from the signed content; "
        "`changes` lists what differs in today's records, and each signature says "
        "whether it verifies. Before signing: a preview of what would be signed.",
        parameters=PARAMETERS,
        responses={200: RecordSerializer, **DETAIL_PROBLEMS},
    )
    def get(self, request: Request, number: str, revision: int) -> Response:
        review = selectors.review_for_record(number, revision)
        shown = record_context(review, request.user)
        return Response(RecordSerializer(shown).data)


class PdfRenderer(BaseRenderer):
    media_type = PDF_CONTENT_TYPE
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(
        self,
        data: object,
        accepted_media_type: str | None = None,
        renderer_context: dict | None = None,
    ) -> bytes:
        return data if isinstance(data, bytes) else b""


class AcceptanceRecordPdf(APIView):
    permission_classes = [ReviewAccess]
    renderer_classes = [PdfRenderer]
    # OPTIONS would describe the view in JSON through the PDF renderer: refused.
    metadata_class = None

    @extend_schema(
        operation_id="orders_revisions_record_pdf",
        summary="Download a revision's acceptance record as PDF",
        description="The same PDF as the record page's download.",
        parameters=PARAMETERS,
        responses={
            (200, PDF_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="The acceptance record (PDF)"
            ),
            **DETAIL_PROBLEMS,
            **problems(s406="Accept application/pdf (or */*)"),
        },
    )
    def get(self, request: Request, number: str, revision: int) -> HttpResponse:
        review = selectors.review_for_record(number, revision)
        response = HttpResponse(
            record_pdf(review, request.user), content_type=PDF_CONTENT_TYPE
        )
        filename = f"{review.order.number}-rev{revision}-acceptance-record.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def handle_exception(self, exc: Exception) -> Response:
        # Problems are JSON whatever the client asked for (a PDF, usually).
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = PROBLEM_CONTENT_TYPE
        return response
