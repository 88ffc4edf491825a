"""Secondary indexes and foreign keys set aside while seed_scale loads, built again
after, in the same transaction.

Keeping an index up to date row by row costs far more than building it once from
sorted rows, and a foreign key checked once per row (a trigger call each) far more
than one validating join when it is added back. So when a run adds more orders than
the database holds, the loaded tables (and their history tables) lose every
non-unique index that no constraint owns and every foreign key for the duration of
the load, and get them back, exactly as pg_get_indexdef / pg_get_constraintdef
spelled them, before the transaction commits. DDL is transactional in PostgreSQL:
a run that fails rolls the drops back with its rows, so the schema is never left
without them.

Primary keys, unique and check constraints and every unique index (partial ones
too: a UniqueConstraint with a condition is an index without a constraint row) stay
on: they guard the data as it arrives. Triggers are never touched (the history
tables' append-only guards).
"""

import time
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection

# Indexes PostgreSQL may build with this much memory for sorting, per build.
MAINTENANCE_WORK_MEM = "512MB"


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def set_aside(cursor: Any, tables: Iterable[str]) -> list[str]:
    """Drop the secondary indexes and foreign keys of tables; the statements that
    make them again, in the order to run them (indexes first, then the keys, whose
    validation may use them)."""
    names = sorted(set(tables))
    cursor.execute(
        """
        SELECT c.relname, i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class c ON c.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relname = ANY(%s)
          AND NOT x.indisprimary
          -- Unique indexes stay, partial ones (UniqueConstraint with a
          -- condition, which no pg_constraint row owns) included: uniqueness
          -- is checked as each row arrives, never only at the rebuild.
          AND NOT x.indisunique
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid)
        ORDER BY c.relname, i.relname
        """,
        [names],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        """
        SELECT c.relname, k.conname, pg_get_constraintdef(k.oid)
        FROM pg_constraint k
        JOIN pg_class c ON c.oid = k.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relname = ANY(%s)
          AND k.contype = 'f'
        ORDER BY c.relname, k.conname
        """,
        [names],
    )
    keys = cursor.fetchall()
    for table, name, _definition in keys:
        cursor.execute(f"ALTER TABLE {_quote(table)} DROP CONSTRAINT {_quote(name)}")
    for _table, name, _definition in indexes:
        cursor.execute(f"DROP INDEX {_quote(name)}")
    return [definition for _table, _name, definition in indexes] + [
        f"ALTER TABLE {_quote(table)} ADD CONSTRAINT {_quote(name)} {definition}"
        for table, name, definition in keys
    ]


def restore(
    cursor: Any, statements: list[str], say: Callable[[str], None] | None = None
) -> None:
    """Build what set_aside dropped, saying how far it got now and then."""
    if not statements:
        return
    cursor.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
    started = last = time.monotonic()
    for done, statement in enumerate(statements, start=1):
        cursor.execute(statement)
        now = time.monotonic()
        if say and (now - last >= 10 or done == len(statements)):
            last = now
            say(
                f"indexes and keys: {done}/{len(statements)} rebuilt "
                f"({now - started:.0f} s)"
            )
