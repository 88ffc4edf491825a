from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    """The auditor's workspace and the management dashboard: reads over every app."""

    name = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from audit import receivers
        from audit.guard import install_history_triggers
        from orderreview import events

        # post_migrate runs once every app has migrated, so every history table
        # exists by then, including ones added by the latest migrations (and a test
        # flush sends it too).
        post_migrate.connect(install_history_triggers, sender=self)
        events.disposed_orders_asked.connect(
            receivers.disposed_orders, dispatch_uid="audit.disposed_orders"
        )
