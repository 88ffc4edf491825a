"""Reads of the api app: a person's tokens, and the token a request presents."""

import hmac

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from api.models import TOKEN_MARK, ApiToken
from orderreview.models import User
from orders.forms import forms_in_use
from orders.models import OrderForm, OrderFormVersion
from orders.orderforms.selectors import version_by_number
from orders.services import token_hash

# Longer than any token we hand out: a longer header is refused before hashing.
TOKEN_MAX_LENGTH = 100


def tokens_of_user(user: User) -> QuerySet[ApiToken]:
    """A person's tokens, newest first, revoked ones included (their record)."""
    return ApiToken.objects.filter(user=user).select_related("revoked_by")


def token_for_key(key: str) -> ApiToken | None:
    """The active token whose key this is, with its user, or None."""
    if not key.startswith(TOKEN_MARK) or len(key) > TOKEN_MAX_LENGTH:
        return None
    digest = token_hash(key)
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=digest, revoked_at__isnull=True)
        .first()
    )
    # The index finds the row; the comparison itself takes the same time whatever
    # the digests share, so no timing tells how close a guess came.
    if token is None or not hmac.compare_digest(token.key_hash, digest):
        return None
    return token


def forms_published() -> QuerySet[OrderForm]:
    """Active forms with a published version (the ones new orders may use), each
    with that version in .published; by name."""
    published = OrderFormVersion.objects.filter(
        status=OrderFormVersion.Status.PUBLISHED
    )
    return (
        forms_in_use()
        .prefetch_related(Prefetch("versions", queryset=published, to_attr="published"))
        .order_by("name", "pk")
    )


def form_version_released(slug: str, number: int) -> OrderFormVersion:
    """A published or retired version with its questions (orders use those; a
    draft is the form admin's work in progress). Http404 otherwise."""
    version = version_by_number(slug, number)
    if version.status == OrderFormVersion.Status.DRAFT:
        raise Http404("No published or retired version of this number")
    return version
