"""make bench-drop: a benchmark database goes; no other database, and never the
app's own."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from devtools.benchdb import bench_database_url, database_create_if_missing


def _exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


@pytest.fixture
def made(transactional_db):
    """Names of databases made by a test, dropped after it whatever happened."""
    names: list[str] = []
    yield names
    _drop(names)


def _drop(names: list[str]) -> None:
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute("DROP DATABASE IF EXISTS " + connection.ops.quote_name(name))


def test_bench_drop_drops_the_bench_database_and_says_so(made):
    name = connection.settings_dict["NAME"] + "_bench_drop"
    made.append(name)
    _drop(made)  # one left by an interrupted run would not carry the bench's mark
    assert database_create_if_missing(name)
    out = io.StringIO()
    call_command("bench_drop", database_name=name, stdout=out)
    assert not _exists(name)
    assert f"Dropped the benchmark database {name}." in out.getvalue()
    call_command("bench_drop", database_name=name, stdout=out)
    assert "nothing to drop" in out.getvalue()


def test_bench_drop_refuses_a_database_the_bench_did_not_make(made):
    name = connection.settings_dict["NAME"] + "_not_bench"
    made.append(name)
    with connection.cursor() as cursor:
        cursor.execute("CREATE DATABASE " + connection.ops.quote_name(name))
    with pytest.raises(CommandError) as refused:
        call_command("bench_drop", database_name=name)
    message = str(refused.value)
    assert message == (
        f"Refusing to drop {name}: it is not a benchmark database made by "
        "manage.py bench."
    )
    assert _exists(name)


def test_bench_drop_refuses_the_database_in_use(transactional_db):
    name = connection.settings_dict["NAME"]
    with pytest.raises(CommandError, match="it is the app's own database"):
        call_command("bench_drop", database_name=name)
    assert _exists(name)


def test_bench_drop_refuses_the_apps_database_even_one_the_bench_made(made, settings):
    # A bench database made earlier that DATABASE_URL now names is the app's.
    name = connection.settings_dict["NAME"] + "_bench_app"
    made.append(name)
    database_create_if_missing(name)
    settings.DATABASE_URL = bench_database_url(settings.DATABASE_URL, name)
    with pytest.raises(CommandError) as refused:
        call_command("bench_drop", database_name=name)
    assert "\n" not in str(refused.value)
    assert "it is the app's own database" in str(refused.value)
    assert _exists(name)
