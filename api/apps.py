from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API: the web pages' rules for programs (docs/guide-api.md). It sits
    on top of the domain apps and reads and writes them only through their selectors
    and services; nothing imports it."""

    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from api import schema  # noqa: F401 (registers the token's schema extension)
