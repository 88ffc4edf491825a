"""Trigram indexes for substring search (`?q=`), where PostgreSQL has pg_trgm.

Django's `icontains` becomes `UPPER(col::text) LIKE UPPER('%text%')`; a GIN index on
`UPPER(col::text) gin_trgm_ops` serves it (three characters or more), so a search
reads a few index pages instead of the whole table. pg_trgm is a contrib extension:
Debian's and most hosted servers ship it, and since PostgreSQL 13 the database's owner
may create it (it is "trusted"). Where it cannot be created -- the embedded
development server has no contrib modules, or a role without CREATE on the
database -- the migration creates no trigram index and search stays correct, only
slower (a sequential scan). Running `migrate` again after a database administrator
ran `CREATE EXTENSION pg_trgm` does not add them; `manage.py search_indexes` does.
See docs/performance.md.
"""

from django.db import DatabaseError, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

# (index name, table, column) for every trigram index the search uses.
TRIGRAM_INDEXES = (
    ("order_number_trgm", "orders_order", "number"),
    ("order_reference_trgm", "orders_order", "customer_reference"),
    ("customer_name_trgm", "orders_customer", "name"),
    ("customer_code_trgm", "orders_customer", "account_code"),
    ("customer_contact_trgm", "orders_customer", "contact_name"),
    ("customer_email_trgm", "orders_customer", "email"),
    ("communication_subject_trgm", "communications_communication", "subject"),
    ("communication_body_trgm", "communications_communication", "body"),
)


def trigram_available(connection: BaseDatabaseWrapper) -> bool:
    """True when pg_trgm is installed, creating it first if this role may."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone():
            return True
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if not cursor.fetchone():
            return False
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:
            # Not allowed (no CREATE on the database): search works without it.
            return False
    return True


def trigram_indexes_create(
    connection: BaseDatabaseWrapper, tables: tuple[str, ...]
) -> list[str]:
    """Create the missing trigram indexes on tables; the names created (none without
    pg_trgm)."""
    if not trigram_available(connection):
        return []
    created = []
    with connection.cursor() as cursor:
        for name, table, column in TRIGRAM_INDEXES:
            if table not in tables:
                continue
            cursor.execute("SELECT 1 FROM pg_class WHERE relname = %s", [name])
            if cursor.fetchone():
                continue
            # Names are constants above, never input.
            cursor.execute(
                f'CREATE INDEX "{name}" ON "{table}" '
                f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
            )
            created.append(name)
    return created


def trigram_indexes_drop(
    connection: BaseDatabaseWrapper, tables: tuple[str, ...]
) -> None:
    with connection.cursor() as cursor:
        for name, table, _column in TRIGRAM_INDEXES:
            if table in tables:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


def trigram_indexes_present(connection: BaseDatabaseWrapper) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'i' AND relname = ANY(%s)",
            [[name for name, _table, _column in TRIGRAM_INDEXES]],
        )
        return sorted(row[0] for row in cursor.fetchall())
