"""Guards for the pages people without an account reach (portal, catalog requests).

Each client IP (orderreview.clientip: REMOTE_ADDR, or X-Forwarded-For behind
DJANGO_TRUSTED_PROXY_COUNT proxies of ours) gets PUBLIC_RATE_LIMIT requests per
PUBLIC_RATE_WINDOW_SECONDS, counted in Django's cache. The cache is the database
cache (a PostgreSQL table, see settings.CACHES), so every app server process shares
the count. Bodies larger than PUBLIC_REQUEST_MAX_KB are refused before Django parses
them. CSRF protection is the project's middleware: these views are never csrf_exempt.
"""

import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from orderreview.clientip import client_ip


def rate_limit_hit(request: HttpRequest, scope: str = "public") -> bool:
    """Count one request; True while the client is within its limit."""
    window = settings.PUBLIC_RATE_WINDOW_SECONDS
    bucket = int(time.time() // window)
    key = f"ratelimit:{scope}:{client_ip(request) or 'unknown'}:{bucket}"
    cache.add(key, 0, timeout=window * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window * 2)
        count = 1
    return count <= settings.PUBLIC_RATE_LIMIT


def _too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > settings.PUBLIC_REQUEST_MAX_KB * 1024


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A deliberately public view: no login, but rate-limited and size-limited."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not rate_limit_hit(request):
            response = render(
                request,
                "orders/public_refused.html",
                {
                    "title": "Too many requests",
                    "reason": "Too many requests from your address. "
                    "Please wait a few minutes and try again.",
                },
                status=429,
            )
            response["Retry-After"] = str(settings.PUBLIC_RATE_WINDOW_SECONDS)
            return response
        if request.method == "POST" and _too_large(request):
            return render(
                request,
                "orders/public_refused.html",
                {
                    "title": "Too large",
                    "reason": "What you sent is too large. Files may be at most "
                    f"{settings.PUBLIC_UPLOAD_MAX_KB} KB each.",
                },
                status=413,
            )
        return view(request, *args, **kwargs)

    return wrapped
