"""What every API view shares: keyset pages, JSON bodies and the web forms that
check input, so the API accepts exactly what the pages accept."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from api.problems import NOT_FOUND, PROBLEM_CONTENT_TYPE, problem_http
from orderreview.pagination import keyset_page, requested_token

PAGE_SIZE = 50

AFTER_PARAMETER = OpenApiParameter(
    "after",
    str,
    description="The `next` token of the page before (keyset pages); "
    "leave it out for the first page.",
)


def path_parameter(name: str, schema: dict, description: str) -> OpenApiParameter:
    """A path parameter with the exact form its URL converter accepts: anything
    else is no URL of the API at all."""
    return OpenApiParameter(
        name, schema, OpenApiParameter.PATH, description=description
    )


ID_PARAMETER = path_parameter("id", {"type": "integer", "minimum": 1}, "The id.")
SLUG_PARAMETER = path_parameter(
    "slug", {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}, "The form's slug."
)
NUMBER_PARAMETER = path_parameter(
    "number", {"type": "integer", "minimum": 1}, "The version's number."
)
ORDER_NUMBER_PARAMETER = path_parameter(
    "number",
    {"type": "string", "pattern": "^[^/]+$"},
    "The order's number, e.g. SO-2026-000042.",
)


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details (docs/guide-api.md lists the types)."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Invalid input only: field name -> its messages.",
    )


def problem(description: str) -> OpenApiResponse:
    return OpenApiResponse(ProblemSerializer, description=description)


def problems(**described: str) -> dict[tuple[int, str], OpenApiResponse]:
    """Schema entries for error responses, by status: application/problem+json."""
    return {
        (int(status.removeprefix("s")), PROBLEM_CONTENT_TYPE): problem(description)
        for status, description in described.items()
    }


READ_PROBLEMS = problems(
    s401="No valid token or session",
    s403="Your roles do not allow this",
    s429="Rate limit reached; see Retry-After",
)
DETAIL_PROBLEMS = {**READ_PROBLEMS, **problems(s404="Not found")}
LIST_PROBLEMS = {**READ_PROBLEMS, **problems(s400="Invalid filter")}
WRITE_PROBLEMS = {
    **DETAIL_PROBLEMS,
    **problems(s400="Invalid input, per field", s415="Not sent as JSON"),
}


def page_serializer(name: str, row: type[BaseSerializer]) -> BaseSerializer:
    """The schema of a keyset page of rows (for drf-spectacular)."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "results": row(many=True),
            "next": serializers.CharField(
                allow_null=True,
                help_text="Pass as ?after= for the next page; null on the last.",
            ),
        },
    )()


def keyset_response(
    request: Request,
    queryset: QuerySet,
    serializer: type[BaseSerializer],
    *,
    size: int = PAGE_SIZE,
) -> Response:
    """One keyset page of queryset (orderreview.pagination), as results and the
    token of the next page."""
    page = keyset_page(queryset, token=requested_token(request), size=size)
    return Response(
        {
            "results": serializer(page.rows, many=True).data,
            "next": page.next_token or None,
        }
    )


def form_errors(form: forms.Form) -> dict[str, list[str]]:
    return {
        field: [error["message"] for error in errors]
        for field, errors in form.errors.get_json_data().items()
    }


def form_checked(form: forms.Form) -> forms.Form:
    """form, valid; or every one of its errors at once as a 400 problem."""
    if not form.is_valid():
        raise exceptions.ValidationError(form_errors(form))
    return form


def form_data(body: dict[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    """The body's values for a web form's fields as the strings a browser sends
    (numbers too); an object or list where a single value belongs is refused per
    field, and null means "empty"."""
    data: dict[str, str] = {}
    wrong: dict[str, list[str]] = {}
    for name in names:
        if name not in body:
            continue
        value = body[name]
        if value is None:
            data[name] = ""
        elif isinstance(value, dict | list):
            wrong[name] = ["Send a single value, not a list or an object."]
        else:
            data[name] = str(value)
    if wrong:
        raise exceptions.ValidationError(wrong)
    return data


def body_object(request: Request, allowed: tuple[str, ...]) -> dict[str, Any]:
    """The JSON body as an object of known fields; anything else is refused,
    naming the fields a client may have misspelt."""
    data = request.data
    if not isinstance(data, Mapping):
        raise exceptions.ValidationError(
            "Send a JSON object with the fields as its members."
        )
    unknown = sorted(str(key) for key in data if key not in allowed)
    if unknown:
        raise exceptions.ValidationError(
            {key: ["There is no such field."] for key in unknown}
        )
    # One value per field (a multipart body's last), never its list of values.
    return {key: data[key] for key in data}


# Exempt so a cookie-less POST gets this JSON 404, not Django's HTML CSRF page.
# Safe: it reads nothing but the path, changes nothing and shows no data.
@csrf_exempt
def unknown_url(request: HttpRequest, rest: str) -> HttpResponse:
    """Any other URL under /api/v1/: a problem, not the web's HTML page -- and, for
    a URL missing its final slash, which one was meant (a POST is never
    redirected: its body would be lost)."""
    detail = "There is no such URL in the API; /api/v1/docs/ lists them."
    if not request.path.endswith("/") and _resolves(request.path + "/"):
        detail = f"There is no such URL in the API. Did you mean {request.path}/ ?"
    return problem_http(NOT_FOUND, 404, detail)


def _resolves(path: str) -> bool:
    try:
        return resolve(path).url_name != "unknown"
    except Resolver404:
        return False
