"""Authentication backend: django-axes lockout in front of Django's model backend."""

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import authenticate
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError
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


class LockoutPasswordChangeForm(PasswordChangeForm):
    """Checks the old password through authenticate(), so wrong ones count.

    Django's form calls user.check_password(), which no lockout sees: ten guesses
    at the old password of a session left open went unlimited. Through
    authenticate() every failure counts toward the same lockout as the login page
    and signing, and a locked-out pair is refused even the right password.
    """

    def __init__(self, user: AbstractBaseUser, *args: Any, **kwargs: Any) -> None:
        self.request: HttpRequest | None = kwargs.pop("request", None)
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        authenticated = authenticate(
            self.request, username=self.user.get_username(), password=old_password
        )
        if authenticated is None or authenticated.pk != self.user.pk:
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class LockoutPasswordChangeView(PasswordChangeView):
    form_class = LockoutPasswordChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}


def last_login_update(sender: object, user: Any, **kwargs: object) -> None:
    """Record the login time without a history row.

    Django's own receiver saves the user, and simple-history writes a "User changed"
    row for every save even when only an excluded field moved, so each login would
    add a row that says nothing to an auditor.
    """
    user.last_login = timezone.now()
    # One column, written without save(): save_without_historical_record() flags
    # the instance itself, which two logins sharing one user object (as tests and
    # threads may) trip over.
    type(user)._default_manager.filter(pk=user.pk).update(last_login=user.last_login)
