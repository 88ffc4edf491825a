"""The rate limit: API_RATE_LIMIT requests per token (per person for the session
of the interactive docs, per client address for the public schema)."""

from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken
from orderreview.clientip import client_ip

if TYPE_CHECKING:  # DRF imports this module while its views module loads.
    from rest_framework.views import APIView


class ApiTokenThrottle(SimpleRateThrottle):
    """Counts in the default cache (the shared database cache), so the limit holds
    across every app server process."""

    scope = "api"

    def get_rate(self) -> str:
        # Read when asked, not at import, so a deployment (or a test) can change it.
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request: Request, view: "APIView") -> str:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{client_ip(request._request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
