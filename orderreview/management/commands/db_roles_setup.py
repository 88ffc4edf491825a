from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from orderreview.db import database_config
from orderreview.db_roles import RoleSetupError, app_role_grant


class Command(BaseCommand):
    help = (
        "As the tables' owner: create the app role if missing and grant it rows, "
        "not tables (no TRUNCATE, TRIGGER, ALTER). Idempotent; migrate runs it too."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--role",
            help="the role to set up; default DATABASE_URL's user "
            "(orderreview_app on the embedded server)",
        )

    def handle(self, *args: object, role: str | None = None, **options) -> None:
        role = role or settings.DATABASE_APP_ROLE
        if not role:
            raise CommandError(
                "No app role: DATABASE_URL and DATABASE_OWNER_URL name the same user. "
                "Set DATABASE_OWNER_URL to the owner and DATABASE_URL to the app role "
                "(docs/security-database-roles.md), or pass --role."
            )
        password = ""
        if role == settings.DATABASE_APP_ROLE:
            password = database_config(settings.DATABASE_URL)["PASSWORD"]
        try:
            granted = app_role_grant(connection, role=role, password=password)
        except RoleSetupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"App role {granted.role}: rows of {granted.tables} tables, "
            f"{len(granted.append_only)} of them append-only; no TRUNCATE, TRIGGER "
            "or ownership."
        )
