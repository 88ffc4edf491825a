"""One-time tokens that make create forms idempotent.

A create form carries a hidden token (the ``{% submission_token %}`` tag). The view
runs its service through ``once()``: the first POST with a token creates and records
where it led; any replay of that POST is sent there instead of creating again.
"""

import re
import secrets
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from orderreview.models import FormSubmission

FIELD = "submission_token"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def posted_token(request: HttpRequest) -> str:
    """The well-formed token of a POST, or "" (then the POST is not deduplicated)."""
    token = request.POST.get(FIELD, "") if request.method == "POST" else ""
    return token if _TOKEN.fullmatch(token) else ""


def replayed_url(request: HttpRequest) -> str | None:
    """Where the first POST with this request's token led, if it already ran."""
    token = posted_token(request)
    if not token:
        return None
    return (
        FormSubmission.objects.filter(token=token)
        .values_list("result_url", flat=True)
        .first()
    )


def once(request: HttpRequest, create: Callable[[], str]) -> str:
    """Run create() (returning the URL of what it made) once per posted token.

    create() and the token's record commit together: a copy racing the first one
    waits on the unique token, rolls back what it made, and gets the first URL.
    """
    token = posted_token(request)
    if not token:
        return create()
    if url := replayed_url(request):
        return url
    try:
        with transaction.atomic():
            url = create()
            FormSubmission.objects.create(token=token, result_url=url)
    except IntegrityError:
        url = replayed_url(request)
        if url is None:
            raise
    return url
