from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A personal, permanent account.

    Users who leave are deactivated, never deleted: history rows and signatures name
    them for as long as the records are kept (a database trigger refuses DELETE).
    """

    history = HistoricalRecords(excluded_fields=["last_login", "password"])

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.printed_name

    @property
    def printed_name(self) -> str:
        """The name shown on records and signatures."""
        return self.get_full_name() or self.username


class FormSubmission(models.Model):
    """A create form submitted once, by its one-time token.

    A replayed POST (a double click, a browser's resend, a proxy retry) carries the
    same token: it is sent to what the first one created instead of creating a
    duplicate. The unique token makes two racing copies resolve to one.
    """

    token = models.CharField(max_length=64, unique=True)
    result_url = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.result_url
