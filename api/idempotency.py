"""Idempotency-Key on API POSTs: a repeat returns the first result and creates nothing.

A client that does not know whether its POST arrived (a timeout, a dropped
connection) sends it again with the same Idempotency-Key header. The first request
runs in one transaction with the record of its response; a repeat by the same user
within API_IDEMPOTENCY_KEY_HOURS gets that response again (with the header
Idempotent-Replayed: true) and runs nothing. Two copies sent at once: the second
waits on the key's unique index, rolls back whatever it made, and gets the first
one's response. Only successful (2xx) responses are kept: a refused request changed
nothing and may simply be sent again, corrected, with the same key.

The same key with a different request (another path or body) is refused with 422,
never answered with the other request's result. Keys belong to a user: two people
(or two tokens of different people) never see each other's responses.
"""

import hashlib
import re
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from api import selectors
from api.authentication import KEYWORD
from api.models import IdempotentRequest
from api.problems import IDEMPOTENCY_KEY_INVALID, IDEMPOTENCY_KEY_REUSED, problem_http
from api.throttling import expired_allowances_purge
from orderreview.models import User

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
API_PREFIX = "/api/v1/"
# Printable ASCII without spaces, like the UUIDs and random strings clients send.
_KEY = re.compile(r"[\x21-\x7e]{1,255}")


def _cutoff():  # noqa: ANN202 (datetime)
    return timezone.now() - timedelta(hours=settings.API_IDEMPOTENCY_KEY_HOURS)


def caller(request: HttpRequest) -> User | None:
    """Whom the API will take this request to be from, the way its authentication
    classes do: a Bearer token first, else the session. None when neither is
    valid (the view itself then refuses the request)."""
    header = request.headers.get("Authorization", "").split()
    if header and header[0].lower() == KEYWORD.lower():
        token = selectors.token_for_key(header[1]) if len(header) == 2 else None
        return token.user if token and token.user.is_active else None
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def fingerprint(request: HttpRequest) -> str:
    """SHA-256 of what makes two requests the same one: method, path, query, content
    type and body. A body too large to hold in memory (a big upload) is counted by
    its length only."""
    digest = hashlib.sha256()
    for part in (request.method, request.get_full_path(), request.content_type):
        digest.update(str(part).encode() + b"\0")
    length = int(request.headers.get("Content-Length") or 0)
    if length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        digest.update(request.body)
    else:
        digest.update(f"{length} bytes".encode())
    return digest.hexdigest()


def _recorded(user: User, key: str) -> IdempotentRequest | None:
    return IdempotentRequest.objects.filter(
        user=user, key=key, created_at__gte=_cutoff()
    ).first()


def _replay(earlier: IdempotentRequest, request_fingerprint: str) -> HttpResponse:
    if earlier.fingerprint != request_fingerprint:
        return problem_http(
            IDEMPOTENCY_KEY_REUSED,
            422,
            "This Idempotency-Key was already used for a different request "
            "(another path or body). Send a new key for a new request.",
        )
    response = HttpResponse(
        bytes(earlier.body),
        status=earlier.status_code,
        content_type=earlier.content_type,
    )
    if earlier.location:
        response["Location"] = earlier.location
    response[REPLAYED_HEADER] = "true"
    return response


class IdempotencyMiddleware:
    """Runs API POSTs that carry an Idempotency-Key once per user and key."""

    def __init__(self, get_response) -> None:  # noqa: ANN001 (Django's callable)
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if (
            key is None
            or request.method != "POST"
            or not request.path.startswith(API_PREFIX)
        ):
            return self.get_response(request)
        if not _KEY.fullmatch(key):
            return problem_http(
                IDEMPOTENCY_KEY_INVALID,
                400,
                "Send the Idempotency-Key as 1 to 255 printable characters "
                "without spaces, e.g. a UUID.",
                errors={HEADER: ["1 to 255 printable characters, no spaces."]},
            )
        user = caller(request)
        if user is None:
            return self.get_response(request)
        request_fingerprint = fingerprint(request)
        if earlier := _recorded(user, key):
            return _replay(earlier, request_fingerprint)
        try:
            with transaction.atomic():
                # An expired record of the key gives way to the new request.
                IdempotentRequest.objects.filter(
                    user=user, key=key, created_at__lt=_cutoff()
                ).delete()
                response = self.get_response(request)
                if 200 <= response.status_code < 300 and not response.streaming:
                    _record(user, key, request_fingerprint, response)
                elif response.status_code >= 500:
                    # Whatever the failed request wrote goes with it.
                    transaction.set_rollback(True)
        except IntegrityError:
            # A copy of this request committed first: this one's work is undone.
            earlier = _recorded(user, key)
            if earlier is None:
                raise
            return _replay(earlier, request_fingerprint)
        if not 200 <= response.status_code < 300 and (earlier := _recorded(user, key)):
            # A copy that committed first made this one fail in the view (the
            # account code it had just taken): the first one's answer is the answer.
            return _replay(earlier, request_fingerprint)
        return response


def _record(
    user: User, key: str, request_fingerprint: str, response: HttpResponse
) -> None:
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    IdempotentRequest.objects.create(
        user=user,
        key=key,
        fingerprint=request_fingerprint,
        status_code=response.status_code,
        content_type=response.get("Content-Type", "application/json")[:100],
        location=response.get("Location", "")[:500],
        body=response.content,
    )


def expired_purge(*, older_than: timedelta | None = None) -> str:
    """Forget keys older than API_IDEMPOTENCY_KEY_HOURS, and rate allowances that
    are full again (a worker sweep; older_than is the stuck-task cutoff the sweeps
    share, not used here)."""
    count, _ = IdempotentRequest.objects.filter(created_at__lt=_cutoff()).delete()
    allowances = expired_allowances_purge()
    return (
        f"{count} expired Idempotency-Key record(s) removed, "
        f"{allowances} full rate allowance(s) forgotten"
    )
