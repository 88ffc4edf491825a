"""manage.py bench_drop: drop the database `make bench` seeds and keeps (issue 19:
about 4 GB at 100,000 orders, 40 GB at a million; nothing else needs it).

It drops a benchmark database and nothing else (devtools.benchdb): one the bench
made and marked, or the default orderreview_bench; never the app's own database."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from devtools.benchdb import (
    BENCH_DATABASE,
    app_database_refusal,
    bench_database_exists,
)


class Command(BaseCommand):
    help = (
        f"Drop a benchmark database that manage.py bench made ({BENCH_DATABASE} "
        "unless named); refuses any other database."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--database-name", default=BENCH_DATABASE)

    def handle(self, *args: object, **options: object) -> None:
        name = options["database_name"]
        refusal = app_database_refusal(name)
        if refusal:
            raise CommandError(refusal)
        found = bench_database_exists(name)
        if found is None:
            self.stdout.write(f"There is no database {name}: nothing to drop.")
            return
        if not found:
            raise CommandError(
                f"Refusing to drop {name}: it is not a benchmark database made by "
                "manage.py bench."
            )
        with connection.cursor() as cursor:
            # DROP DATABASE takes no parameter; the name is quoted.
            cursor.execute("DROP DATABASE " + connection.ops.quote_name(name))
        self.stdout.write(f"Dropped the benchmark database {name}.")
