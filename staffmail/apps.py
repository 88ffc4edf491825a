from django.apps import AppConfig


class StaffmailConfig(AppConfig):
    name = "staffmail"
    verbose_name = "E-mail to staff"

    def ready(self) -> None:
        from staffmail import receivers  # noqa: F401  (connects the event receivers)
