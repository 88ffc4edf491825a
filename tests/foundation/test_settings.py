import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from orderreview.db import database_config

ROOT = Path(__file__).resolve().parents[2]


def _import_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import orderreview.settings as s; print(s.DEBUG)"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_database_is_postgresql(db):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert cursor.fetchone()[0]


def test_production_without_secret_key_fails_loudly():
    result = _import_settings(DATABASE_URL=settings.DATABASE_URL)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_defaults_are_safe():
    result = _import_settings(
        DATABASE_URL=settings.DATABASE_URL, DJANGO_SECRET_KEY="x" * 60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_bad_boolean_is_refused_by_name():
    result = _import_settings(DATABASE_URL=settings.DATABASE_URL, DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def test_database_url_must_be_postgres():
    with pytest.raises(ValueError, match="PostgreSQL only"):
        database_config("mysql://u:p@localhost/db")


def test_database_url_with_socket_host_and_port():
    config = database_config("postgresql://postgres:@/postgres?host=/run/pg")
    assert config["HOST"] == "/run/pg"
    assert config["NAME"] == "postgres"
    config = database_config("postgres://me:s%40cret@db.example:6543/orders")
    assert (config["USER"], config["PASSWORD"], config["HOST"], config["PORT"]) == (
        "me",
        "s@cret",
        "db.example",
        "6543",
    )
    assert config["NAME"] == "orders"
