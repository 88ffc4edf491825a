"""A file answer of a draft (multipart/form-data): checked by the answer form's
own file field, then stored by requirements.services.revision_answers_save
through orders.uploads.store_upload -- the one path every web upload takes, so
the file is downloadable like theirs and its SHA-256 is in what is signed."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import OrderAccess
from api.problems import TooLarge
from api.serializers.draft_input import (
    FileAnswerSerializer,
    FileUploadSerializer,
    LineFileAnswerSerializer,
)
from api.views.common import (
    ORDER_NUMBER_PARAMETER,
    WRITE_PROBLEMS,
    path_parameter,
    problems,
)
from api.views.draft_answers import not_a_draft
from orders.models import Question
from orders.orderforms import lines
from orders.orderforms.answer_fields import field_for
from orders.uploads import DEFAULT_MAX_FILE_SIZE_KB
from pages.order_views import order_or_404
from requirements import services as req_services
from requirements.draft_editing import order_draft_revision
from requirements.models import RequirementSet

FILE_FIELD = "file"
# Room for the multipart envelope around the file: a body longer than the limit
# plus this cannot hold an allowed file, and is refused before it is read.
ENVELOPE_BYTES = 64 * 1024

KEY_PARAMETER = path_parameter(
    "key",
    {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
    "The file question's key.",
)
UPLOAD_PROBLEMS = {
    **WRITE_PROBLEMS,
    **problems(
        s400="No file, a file the question refuses, or not a file question",
        s404="No such order, no question with this key, or no such line",
        s409="The order (or change order) is no longer a draft",
        s413="The body is larger than the question's file limit",
        s415="Not sent as multipart/form-data",
    ),
}


def _file_question(revision: RequirementSet, key: str, line: str | None) -> Question:
    """The file question the URL names: one asked once, or (line given) one of the
    repeating section the draft's line is an entry of."""
    version = revision.order.form_version
    question = version.questions.filter(key=key).first()
    if question is None:
        raise Http404("The order's form has no question with this key.")
    if question.kind != Question.Kind.FILE:
        raise exceptions.ValidationError(
            {
                FILE_FIELD: [
                    f"“{question.label}” does not take a file: send its answer "
                    "in a PATCH of the draft."
                ]
            }
        )
    repeating = question.section in {
        s.name for s in version.sections.all() if s.repeating
    }
    if line is None and repeating:
        raise exceptions.ValidationError(
            {
                FILE_FIELD: [
                    f"“{question.label}” is asked per line: upload its file to "
                    f"lines/<line>/files/{key}/."
                ]
            }
        )
    if line is not None and (
        not repeating
        or lines.line_sections_of(revision.answers).get(line) != question.section
    ):
        raise Http404(
            f"The draft has no line {line[:20]} with the question {key}: "
            "save the line first (a PATCH of the draft), then upload its file."
        )
    return question


def _length_check(request: Request, question: Question) -> None:
    limit = (question.max_file_size_kb or DEFAULT_MAX_FILE_SIZE_KB) * 1024
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit + ENVELOPE_BYTES:
        raise TooLarge(f"The file is larger than {limit // 1024} KB.")


def _the_upload(request: Request) -> UploadedFile:
    unknown = sorted(str(name) for name in request.data if name != FILE_FIELD)
    errors = {name: ["There is no such field."] for name in unknown}
    uploads = request.FILES.getlist(FILE_FIELD)
    if len(uploads) > 1:
        errors[FILE_FIELD] = ["Send one file only."]
    elif not uploads:
        errors[FILE_FIELD] = [
            "Send the file as a file part, not as text."
            if FILE_FIELD in request.data
            else "No file was sent: send it as the “file” part."
        ]
    if errors:
        raise exceptions.ValidationError(errors)
    return uploads[0]


def file_answer_store(
    request: Request, revision: RequirementSet, key: str, line: str | None = None
) -> Response:
    """Check the request and the file like the draft page's file field, then keep
    it as the question's answer, or (line given) as that line's answer,
    replacing a stored one."""
    question = _file_question(revision, key, line)
    _length_check(request, question)
    upload = _the_upload(request)
    try:
        field_for(question).clean(upload)
    except ValidationError as error:
        raise exceptions.ValidationError({FILE_FIELD: error.messages}) from None
    try:
        revision = req_services.revision_file_answer_save(
            revision=revision, user=request.user, key=key, upload=upload, line=line
        )
    except ValidationError as error:
        raise exceptions.ValidationError({FILE_FIELD: error.messages}) from None
    stored = revision.answers
    if line is not None:
        stored = next(
            entry["answers"]
            for name in stored[lines.LINES]
            for entry in lines.entries_of(stored, name)
            if entry["line"] == line
        )
    stored = stored[key]
    described = {
        "question": key,
        **{name: stored.get(name) for name in ("name", "size", "sha256")},
        "content_type": stored.get("content_type") or "",
    }
    if line is None:
        return Response(FileAnswerSerializer(described).data)
    return Response(LineFileAnswerSerializer({**described, "line": line}).data)


def upload_schema(
    operation_id: str,
    summary: str,
    parameters: list,
    answer: type = FileAnswerSerializer,
) -> object:
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        description="multipart/form-data with one part, `file`. The question's "
        "limits apply (allowed types, size, content matching the type); the file "
        "replaces a stored one and is kept with its SHA-256.",
        parameters=parameters,
        request={"multipart/form-data": FileUploadSerializer},
        responses={200: answer, **UPLOAD_PROBLEMS},
    )


LINE_PARAMETER = path_parameter(
    "line",
    {"type": "string", "pattern": "^L[1-9][0-9]{0,5}$"},
    "The line's key (L1, L2, ...), an entry of the question's repeating section.",
)


class OrderFileUpload(APIView):
    permission_classes = [OrderAccess]
    parser_classes = [MultiPartParser]

    @upload_schema(
        "orders_file_upload",
        "Upload the file answering one file question of a draft order",
        [ORDER_NUMBER_PARAMETER, KEY_PARAMETER],
    )
    def post(self, request: Request, number: str, key: str) -> Response:
        order = order_or_404(number)
        revision = order_draft_revision(order)
        if revision is None:
            raise not_a_draft(order)
        return file_answer_store(request, revision, key)


class OrderLineFileUpload(APIView):
    permission_classes = [OrderAccess]
    parser_classes = [MultiPartParser]

    @upload_schema(
        "orders_line_file_upload",
        "Upload the file answering one file question of one line of a draft order",
        [ORDER_NUMBER_PARAMETER, LINE_PARAMETER, KEY_PARAMETER],
        LineFileAnswerSerializer,
    )
    def post(self, request: Request, number: str, line: str, key: str) -> Response:
        order = order_or_404(number)
        revision = order_draft_revision(order)
        if revision is None:
            raise not_a_draft(order)
        return file_answer_store(request, revision, key, line)
