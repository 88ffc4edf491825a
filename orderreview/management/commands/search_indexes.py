from django.core.management.base import BaseCommand
from django.db import connection, transaction

from orderreview.trigram import (
    TRIGRAM_INDEXES,
    trigram_available,
    trigram_indexes_create,
)


class Command(BaseCommand):
    help = (
        "As the tables' owner: create pg_trgm if allowed and any missing trigram "
        "index for search (`?q=`). Idempotent; migrate creates them when it can."
    )

    def handle(self, *args: object, **options: object) -> None:
        tables = tuple(sorted({table for _name, table, _column in TRIGRAM_INDEXES}))
        with transaction.atomic():
            if not trigram_available(connection):
                self.stdout.write(
                    "pg_trgm is not available to this role: search works without "
                    "it, by scanning. As a database administrator run: CREATE "
                    "EXTENSION pg_trgm; then run this command again."
                )
                return
            created = trigram_indexes_create(connection, tables)
        self.stdout.write(
            f"Created {len(created)} trigram indexes"
            + (f": {', '.join(created)}." if created else "; all were present.")
        )
