"""API tokens: a person's credential for programs that call the API for them."""

from django.conf import settings
from django.db import models
from django.db.models import Q

# What every token starts with, so a leaked one is recognised (secret scanners).
TOKEN_MARK = "ort_"  # noqa: S105 (a fixed marker, not a secret)
# The token's first characters kept for display: the mark and 8 of its random part,
# too few to guess the rest from.
TOKEN_PREFIX_LENGTH = len(TOKEN_MARK) + 8


class ApiToken(models.Model):
    """One token of one user. Only a SHA-256 of the token is stored: whoever reads
    the database (or a backup) cannot call the API with it. The token itself is
    shown once, to the person who creates it.

    A credential, like the password and the session: the row is its own record
    (created, last used, revoked when and by whom) and carries no history table.
    What a token's requests change is recorded in the history as its user's."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens"
    )
    # Says which program holds it ("ERP import"), for the person and the audit.
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=TOKEN_PREFIX_LENGTH, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(key_hash__regex=r"^[0-9a-f]{64}$"),
                name="apitoken_key_hash_is_sha256",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_by__isnull=False),
                name="apitoken_revoked_by_someone",
            ),
        ]

    def __str__(self) -> str:
        label = f" ({self.name})" if self.name else ""
        return f"API token {self.prefix}…{label} of {self.user_id}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotentRequest(models.Model):
    """A POST sent with an Idempotency-Key header, and the response it got.

    A repeat of the key by the same user within API_IDEMPOTENCY_KEY_HOURS gets this
    response again and changes nothing (api.idempotency). The row is written in
    the same transaction as what the request created: both are there, or neither.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=255)
    # SHA-256 of method, path and body: the same key with another request is
    # refused, not answered with the first request's response.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    location = models.CharField(max_length=500, blank=True)
    body = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], name="idempotentrequest_one_per_user_key"
            ),
            models.CheckConstraint(
                condition=Q(fingerprint__regex=r"^[0-9a-f]{64}$"),
                name="idempotentrequest_fingerprint_is_sha256",
            ),
        ]

    def __str__(self) -> str:
        return f"Idempotency-Key {self.key} of {self.user_id}"


class RateAllowance(models.Model):
    """The rate limit's state of one caller (a token, a person's session, a client
    address): the moment its allowance is next back to full ("theoretical arrival
    time" of the generic cell rate algorithm, api.throttling). One row per caller,
    checked and moved forward by one SQL statement per request."""

    caller = models.CharField(max_length=100, primary_key=True)
    full_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Rate allowance of {self.caller}"
