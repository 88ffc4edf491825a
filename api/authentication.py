"""Who calls the API: a token in the Authorization header (Bearer), or -- for the
interactive docs in the browser -- the session of a logged-in person."""

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from api import selectors, services
from api.models import ApiToken
from orderreview.models import User

KEYWORD = "Bearer"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """Authorization: Bearer ort_...; the request then acts as the token's user,
    with that user's roles, and every change it makes is recorded as theirs."""

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the header as: Authorization: Bearer <token>."
            )
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("This token is not valid.") from None
        token = selectors.token_for_key(key)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                "This token is not valid: it was revoked, mistyped or never issued."
            )
        services.api_token_mark_used(token=token)
        # The Django request too: history rows and anything else that reads
        # request.user below the API view name the token's user, never anonymous.
        request._request.user = token.user
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="api"'


class ApiSessionAuthentication(authentication.SessionAuthentication):
    """The browser's session (the interactive docs), with Django's CSRF check run
    on the Django request: so a forged request is refused as such, before its
    body is parsed (DRF would first refuse an unexpected content type)."""

    def enforce_csrf(self, request: Request) -> None:
        super().enforce_csrf(request._request)
