"""Authentication backend: django-axes lockout in front of Django's model backend."""

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):
    """Count failures and refuse locked-out users at every request-driven login.

    Every login and every signing re-authentication in OrderReview passes the request,
    so all of them count toward lockout. Calls without a request (management
    commands, the test client's login) have no client to lock out and pass through to
    the model backend.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: object,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(
            request, username=username, password=password, **kwargs
        )
