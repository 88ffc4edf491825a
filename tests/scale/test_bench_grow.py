"""make bench grows its database to the size asked, whatever an earlier run left
(issue 19, "Also found"), and refuses in one line, never a traceback."""

import io
import os
import subprocess
import sys
from urllib.parse import urlsplit

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from devtools import scale
from devtools.benchdb import bench_database_url


def _orders_in(name: str) -> int:
    bench = psycopg2.connect(bench_database_url(settings.DATABASE_URL, name))
    try:
        with bench.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM orders_order")
            return cursor.fetchone()[0]
    finally:
        bench.close()


@pytest.fixture
def bench_name(transactional_db):
    name = connection.settings_dict["NAME"] + "_bench_grow"
    yield name
    with connection.cursor() as cursor:
        cursor.execute("DROP DATABASE IF EXISTS " + connection.ops.quote_name(name))


def test_bench_grows_a_database_an_earlier_run_seeded_smaller(bench_name):
    # More than demo data: seed_scale alone would refuse to add to it.
    smaller = scale.DEMO_ORDERS_AT_MOST + 2
    asked = smaller + 6
    out = io.StringIO()
    options = {"database_name": bench_name, "large_order": 0, "seed_only": True}
    call_command("bench", orders=smaller, stdout=out, **options)
    assert f"Created the benchmark database {bench_name}." in out.getvalue()
    assert _orders_in(bench_name) == smaller
    call_command("bench", orders=asked, stdout=out, **options)
    assert _orders_in(bench_name) == asked
    # Asked for fewer than it holds: nothing removed, nothing added.
    call_command("bench", orders=smaller, stdout=out, **options)
    assert _orders_in(bench_name) == asked
    # The bench made it: bench_drop drops it.
    call_command("bench_drop", database_name=bench_name, stdout=out)
    assert f"Dropped the benchmark database {bench_name}." in out.getvalue()


def test_bench_refuses_the_apps_database_in_one_line(transactional_db):
    # The path names the database (the embedded server's URL ends in ?host=...).
    app_database = urlsplit(settings.DATABASE_URL).path.lstrip("/")
    env = dict(os.environ, DJANGO_DEBUG="1", DATABASE_URL=settings.DATABASE_URL)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_OWNER_URL", None)
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "bench", "--database-name", app_database],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"CommandError: Refusing {app_database}: it is the app's own database "
        "(DATABASE_URL), not a benchmark database."
    ]


def test_bench_says_in_one_line_when_it_cannot_create_its_database(transactional_db):
    """A role without CREATEDB (the embedded server's app role is one): one line
    saying so, never a traceback."""
    role = "orderreview_bench_nocreate"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP ROLE IF EXISTS {role}")
        cursor.execute(f"CREATE ROLE {role} LOGIN NOCREATEDB")
    try:
        parts = urlsplit(settings.DATABASE_URL)
        host = parts.netloc.rsplit("@", 1)[-1]
        url = parts._replace(netloc=f"{role}@{host}").geturl()
        env = dict(
            os.environ, DJANGO_DEBUG="1", DATABASE_URL=url, DATABASE_OWNER_URL=url
        )
        env.pop("DJANGO_SETTINGS_MODULE", None)
        name = connection.settings_dict["NAME"] + "_bench_nocreate"
        done = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "bench", "--database-name", name],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP ROLE IF EXISTS {role}")
    assert done.returncode == 1, done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(
        f"CommandError: Could not create the benchmark database {name}: "
        "permission denied to create database"
    )
