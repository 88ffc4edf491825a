"""Search uses trigram indexes where pg_trgm exists and works without them."""

import pytest
from django.core.management import call_command
from django.db import connection

from orderreview.trigram import (
    TRIGRAM_INDEXES,
    trigram_indexes_create,
    trigram_indexes_present,
)
from orders.selectors import orders_filtered
from tests import factories

pytestmark = pytest.mark.django_db

ALL = sorted(name for name, _table, _column in TRIGRAM_INDEXES)
TABLES = tuple(sorted({table for _name, table, _column in TRIGRAM_INDEXES}))


def _one(sql: str) -> object:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return row[0] if row else None


def _trigram_installable() -> bool:
    return bool(_one("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'"))


def test_migrate_made_the_trigram_indexes_where_pg_trgm_exists():
    expected = ALL if _trigram_installable() else []
    assert trigram_indexes_present(connection) == expected
    # The order-number prefix index needs no extension.
    assert _one("SELECT 1 FROM pg_class WHERE relname = 'order_number_prefix'") == 1


def test_without_the_right_to_create_pg_trgm_search_still_works():
    order = factories.OrderFactory(customer_reference="PO-KIWI-77")
    with connection.cursor() as cursor:
        # Rolled back with the test: as if the extension had never been created,
        # for a role that may not create it (no CREATE on the database).
        cursor.execute("DROP EXTENSION IF EXISTS pg_trgm CASCADE")
        cursor.execute("CREATE ROLE speed_no_create NOLOGIN")
        cursor.execute("GRANT USAGE ON SCHEMA public TO speed_no_create")
        cursor.execute("SET ROLE speed_no_create")
        try:
            assert trigram_indexes_create(connection, TABLES) == []
        finally:
            cursor.execute("RESET ROLE")
    assert trigram_indexes_present(connection) == []
    found = orders_filtered({"q": "kiwi"})
    assert [o.number for o in found] == [order.number]


def test_search_indexes_command_adds_missing_indexes(capsys):
    with connection.cursor() as cursor:
        cursor.execute('DROP INDEX IF EXISTS "communication_body_trgm"')
    call_command("search_indexes")
    out = capsys.readouterr().out
    if _trigram_installable():
        assert "communication_body_trgm" in out
        assert trigram_indexes_present(connection) == ALL
    else:
        assert "CREATE EXTENSION pg_trgm" in out
        assert trigram_indexes_present(connection) == []
