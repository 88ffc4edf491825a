"""History tables are append-only in the database, not only in Python.

A post_migrate receiver (re)installs a row trigger refusing UPDATE and DELETE, and a
statement trigger refusing TRUNCATE (which row triggers never see), on every history
table of our apps, so tables added by later migrations are covered after the
next migrate, and test databases get them too (a flush also sends post_migrate).
"""

from django.db import connections

from audit.registry import TRACKED_APPS

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION orderreview_history_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% on % refused: history is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql
"""
TRIGGER_NAME = "orderreview_history_append_only"
TRUNCATE_TRIGGER_NAME = "orderreview_history_no_truncate"


def history_tables(using: str = "default") -> list[str]:
    """The history tables of our apps that exist in the database."""
    prefixes = tuple(f"{label}_historical" for label in TRACKED_APPS)
    with connections[using].cursor() as cursor:
        names = connections[using].introspection.table_names(cursor)
    return sorted(name for name in names if name.startswith(prefixes))


def install_history_triggers(using: str = "default", **kwargs: object) -> list[str]:
    """Create or replace the append-only trigger on every history table."""
    connection = connections[using]
    tables = history_tables(using)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(FUNCTION_SQL)
        for table in tables:
            # DDL protecting history; table names come from the catalogue, quoted.
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {TRIGGER_NAME} "  # noqa: S608
                f"BEFORE UPDATE OR DELETE ON {quote(table)} "
                "FOR EACH ROW EXECUTE FUNCTION orderreview_history_append_only()"
            )
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {TRUNCATE_TRIGGER_NAME} "
                f"BEFORE TRUNCATE ON {quote(table)} "
                "FOR EACH STATEMENT EXECUTE FUNCTION orderreview_history_append_only()"
            )
    return tables
