"""manage.py bench_drop: drop the database `make bench` seeds and keeps (issue 19:
about 4 GB at 100,000 orders, 40 GB at a million; nothing else needs it)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Drop the benchmark's own database (orderreview_bench unless named)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--database-name", default="orderreview_bench")

    def handle(self, *args: object, **options: object) -> None:
        name = options["database_name"]
        if name == connection.settings_dict["NAME"]:
            # Never the database this process works on (the app's own).
            raise CommandError(f"Refusing to drop {name}: it is the database in use.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                self.stdout.write(f"There is no database {name}: nothing to drop.")
                return
            # DROP DATABASE takes no parameter; the name is quoted.
            cursor.execute("DROP DATABASE " + connection.ops.quote_name(name))
        self.stdout.write(f"Dropped the benchmark database {name}.")
