"""make bench-drop: the benchmark's own database goes, never the one in use."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from devtools.management.commands.bench import database_create_if_missing


def _exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def test_bench_drop_drops_the_bench_database_and_says_so(transactional_db):
    name = connection.settings_dict["NAME"] + "_bench_drop"
    database_create_if_missing(name)
    out = io.StringIO()
    call_command("bench_drop", database_name=name, stdout=out)
    assert not _exists(name)
    assert f"Dropped the benchmark database {name}." in out.getvalue()
    call_command("bench_drop", database_name=name, stdout=out)
    assert "nothing to drop" in out.getvalue()


def test_bench_drop_refuses_the_database_in_use(transactional_db):
    name = connection.settings_dict["NAME"]
    with pytest.raises(CommandError, match="it is the database in use"):
        call_command("bench_drop", database_name=name)
    assert _exists(name)
