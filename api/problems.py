"""Errors as RFC 9457 problem details: application/problem+json with a stable type
per kind of error, its title, the HTTP status, a detail for a person, and -- for
invalid input -- an `errors` map of field name to messages (all of them at once).

The type URIs are URNs (urn:orderreview:problem:<slug>): stable names a program can
compare, listed in docs/guide-api.md; they are not meant to be fetched.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from rest_framework import exceptions
from rest_framework.response import Response

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:orderreview:problem:"
# Errors that belong to the request as a whole, not to one field.
NON_FIELD_KEY = "non_field_errors"


@dataclass(frozen=True)
class ProblemType:
    slug: str
    title: str

    @property
    def uri(self) -> str:
        return TYPE_PREFIX + self.slug


VALIDATION = ProblemType("validation-error", "Your request has invalid input")
MALFORMED = ProblemType("malformed-request", "The request body could not be read")
NOT_AUTHENTICATED = ProblemType("not-authenticated", "Authentication is needed")
AUTHENTICATION_FAILED = ProblemType("authentication-failed", "The token was refused")
PERMISSION_DENIED = ProblemType("permission-denied", "Your roles do not allow this")
NOT_FOUND = ProblemType("not-found", "Not found")
METHOD_NOT_ALLOWED = ProblemType("method-not-allowed", "Method not allowed")
NOT_ACCEPTABLE = ProblemType("not-acceptable", "No acceptable response format")
UNSUPPORTED_MEDIA_TYPE = ProblemType(
    "unsupported-media-type", "The body's media type is not accepted here"
)
RATE_LIMITED = ProblemType("rate-limited", "Too many requests")
CONFLICT = ProblemType("conflict", "The object is not in a state that allows this")
IDEMPOTENCY_KEY_INVALID = ProblemType(
    "idempotency-key-invalid", "The Idempotency-Key header is not valid"
)
IDEMPOTENCY_KEY_REUSED = ProblemType(
    "idempotency-key-reused", "The Idempotency-Key belongs to another request"
)
TOO_LARGE = ProblemType("too-large", "The request body is too large")
OTHER = ProblemType("request-refused", "The request was refused")


class Conflict(exceptions.APIException):
    """The request is fine, the object's state refuses it (a submitted order)."""

    status_code = 409
    default_detail = "The object is not in a state that allows this."
    default_code = "conflict"


class TooLarge(exceptions.APIException):
    """The body is larger than the endpoint takes (a file over its limit)."""

    status_code = 413
    default_detail = "The request body is too large."
    default_code = "too_large"


# The most specific match first: AuthenticationFailed and NotAuthenticated are both
# APIExceptions, so the table is searched in order.
PROBLEM_TYPES: tuple[tuple[type[exceptions.APIException], ProblemType], ...] = (
    (exceptions.ValidationError, VALIDATION),
    (exceptions.ParseError, MALFORMED),
    (exceptions.NotAuthenticated, NOT_AUTHENTICATED),
    (exceptions.AuthenticationFailed, AUTHENTICATION_FAILED),
    (exceptions.PermissionDenied, PERMISSION_DENIED),
    (exceptions.NotFound, NOT_FOUND),
    (exceptions.MethodNotAllowed, METHOD_NOT_ALLOWED),
    (exceptions.NotAcceptable, NOT_ACCEPTABLE),
    (exceptions.UnsupportedMediaType, UNSUPPORTED_MEDIA_TYPE),
    (exceptions.Throttled, RATE_LIMITED),
    (Conflict, CONFLICT),
    (TooLarge, TOO_LARGE),
)


def _messages(detail: Any) -> list[str]:
    if isinstance(detail, Mapping):
        return [m for value in detail.values() for m in _messages(value)]
    if isinstance(detail, list | tuple):
        return [m for value in detail for m in _messages(value)]
    return [str(detail)]


def field_errors(detail: Any) -> dict[str, list[str]]:
    """A ValidationError's detail as {field: [messages]}; nested fields are named
    by their path (answers.quantity), errors of the whole request by
    non_field_errors."""
    if not isinstance(detail, Mapping):
        return {NON_FIELD_KEY: _messages(detail)}
    flat: dict[str, list[str]] = {}
    for field, value in detail.items():
        name = NON_FIELD_KEY if field in ("__all__", None) else str(field)
        if isinstance(value, Mapping):
            for inner, messages in field_errors(value).items():
                flat.setdefault(f"{name}.{inner}", []).extend(messages)
        else:
            flat.setdefault(name, []).extend(_messages(value))
    return flat


def _django_to_drf(error: Exception) -> Exception:
    if isinstance(error, Http404):
        return exceptions.NotFound(str(error) or None)
    if isinstance(error, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(error) or None)
    if isinstance(error, DjangoValidationError):
        if hasattr(error, "error_dict"):
            return exceptions.ValidationError(error.message_dict)
        return exceptions.ValidationError({NON_FIELD_KEY: error.messages})
    return error


def problem_response(
    problem: ProblemType,
    status_code: int,
    detail: str,
    *,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": problem.uri,
        "title": problem.title,
        "status": status_code,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return Response(
        body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE
    )


def problem_http(
    problem: ProblemType,
    status_code: int,
    detail: str,
    *,
    errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    """The same problem as problem_response, for code outside DRF's views."""
    body = problem_response(problem, status_code, detail, errors=errors).data
    return HttpResponse(
        json.dumps(body), status=status_code, content_type=PROBLEM_CONTENT_TYPE
    )


def problem_exception_handler(error: Exception, context: dict) -> Response | None:
    """DRF's EXCEPTION_HANDLER. Anything else (a bug) stays a 500 for the logs."""
    error = _django_to_drf(error)
    if not isinstance(error, exceptions.APIException):
        return None
    problem = next(
        (found for kind, found in PROBLEM_TYPES if isinstance(error, kind)), OTHER
    )
    headers: dict[str, str] = {}
    if isinstance(error, exceptions.Throttled) and error.wait is not None:
        headers["Retry-After"] = str(int(error.wait) + 1)
    # DRF sets it on 401s from the first authentication class (Bearer).
    if getattr(error, "auth_header", None):
        headers["WWW-Authenticate"] = error.auth_header
    if isinstance(error, exceptions.ValidationError):
        errors = field_errors(error.detail)
        count = sum(len(messages) for messages in errors.values())
        detail = (
            "One field needs correcting."
            if count == 1
            else f"{count} problems need correcting; see errors."
        )
        return problem_response(
            problem, error.status_code, detail, errors=errors, headers=headers
        )
    detail = " ".join(_messages(error.detail))
    return problem_response(problem, error.status_code, detail, headers=headers)
