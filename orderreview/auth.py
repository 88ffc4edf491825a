"""Authentication backend: django-axes lockout in front of Django's model backend."""

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest
from django.utils import timezone


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


def last_login_update(sender: object, user: Any, **kwargs: object) -> None:
    """Record the login time without a history row.

    Django's own receiver saves the user, and simple-history writes a "User changed"
    row for every save even when only an excluded field moved, so each login would
    add a row that says nothing to an auditor.
    """
    user.last_login = timezone.now()
    user.save_without_historical_record(update_fields=["last_login"])
