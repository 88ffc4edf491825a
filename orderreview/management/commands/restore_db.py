from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from orderreview.backup import database_restore


class Command(BaseCommand):
    help = (
        "Restore a backup into a new database (never over live data), then point "
        "DATABASE_URL at it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="a dump written by backup_db / make backup")
        parser.add_argument(
            "--database-name",
            default="orderreview_restored",
            help="name of the new database to create and fill",
        )

    def handle(self, *args: object, file: str, database_name: str, **opts) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No backup file at {path}")
        quoted = connection.ops.quote_name(database_name)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [database_name]
            )
            if cursor.fetchone():
                raise CommandError(
                    f"Database {database_name} exists; restore only into a new one "
                    "(choose --database-name, or drop it first)."
                )
            cursor.execute(f"CREATE DATABASE {quoted}")  # noqa: S608 (quoted name)
        database_restore(path, name=database_name)
        self.stdout.write(f"Restored {path} into new database {database_name}.")
