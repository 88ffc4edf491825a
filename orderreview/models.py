from django.contrib.auth.models import AbstractUser
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
