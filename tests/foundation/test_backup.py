"""make backup / make restore: a round trip through pg_dump and pg_restore."""

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from tests import factories

RESTORED = "orderreview_restore_roundtrip"


@pytest.fixture
def restored_database_name(transactional_db):
    yield RESTORED
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{RESTORED}" WITH (FORCE)')


def _connect(name: str):
    settings_dict = connection.settings_dict
    return psycopg2.connect(
        dbname=name,
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
    )


def test_backup_then_restore_into_a_fresh_database_keeps_everything(
    tmp_path, restored_database_name
):
    requirement = factories.RequirementFactory()
    order = requirement.requirement_set.order
    order.customer_reference = "changed after creation"
    order.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM orders_historicalorder")
        history_rows = cursor.fetchone()[0]
    dump = tmp_path / "backup.dump"

    call_command("backup_db", str(dump))
    call_command("restore_db", str(dump), database_name=restored_database_name)

    restored = _connect(restored_database_name)
    try:
        with restored.cursor() as cursor:
            cursor.execute("SELECT number, customer_reference FROM orders_order")
            assert cursor.fetchall() == [(order.number, "changed after creation")]
            cursor.execute("SELECT count(*) FROM orders_historicalorder")
            assert cursor.fetchone()[0] == history_rows == 2
            cursor.execute("SELECT statement FROM requirements_requirement")
            assert cursor.fetchall() == [(requirement.statement,)]
            # The database rules travel with the data.
            cursor.execute("SELECT nextval('orders_order_number_seq')")
            assert cursor.fetchone()[0] > int(order.number[-6:])
    finally:
        restored.close()


def test_restore_refuses_to_overwrite_an_existing_database(tmp_path, db):
    from django.core.management.base import CommandError

    dump = tmp_path / "x.dump"
    dump.write_bytes(b"not used")
    with pytest.raises(CommandError, match="exists"):
        call_command(
            "restore_db", str(dump), database_name=connection.settings_dict["NAME"]
        )


def test_restore_needs_an_existing_file(tmp_path, db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore_db", str(tmp_path / "missing.dump"))
