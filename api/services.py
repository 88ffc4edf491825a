"""Writes of the api app: creating and revoking tokens. Each is one transaction."""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from api.models import TOKEN_MARK, TOKEN_PREFIX_LENGTH, ApiToken
from orderreview.models import User
from orders.services import token_hash

NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for user; returns the row and the token (shown once, never
    stored)."""
    if not user.is_active:
        raise ValidationError("This account is deactivated: it cannot get a token.")
    name = (name or "").strip()
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            {"name": f"Keep the name to {NAME_MAX_LENGTH} characters or fewer."}
        )
    key = TOKEN_MARK + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=key[:TOKEN_PREFIX_LENGTH],
        key_hash=token_hash(key),
    )
    token.full_clean()
    token.save()
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke a token: from now on it authenticates nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ValidationError("This token was already revoked.")
    token.revoked_at = timezone.now()
    token.revoked_by = by
    token.save(update_fields=["revoked_at", "revoked_by"])
    return token


LAST_USED_PRECISION = timedelta(minutes=1)


def api_token_mark_used(*, token: ApiToken) -> None:
    """Note when a token was last used: an update of that one column, which never
    waits on (or undoes) a revocation saved at the same time."""
    now = timezone.now()
    # To the minute: a token used many times a second writes its row once a minute.
    ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION),
        pk=token.pk,
    ).update(last_used_at=now)
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
        token.last_used_at = now
