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
