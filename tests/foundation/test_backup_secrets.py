"""A backup is not a key to the live server: owner-only files, no sessions in it."""

import os
import stat
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from orderreview.backup import (
    _run,
    libpq_environment,
    postgres_program,
    server_major_version,
)
from tests.communications.test_worker import test_database_url
from tests.foundation.test_backup import _connect

RESTORED = "orderreview_restore_secrets"

# Asks the home page with the given session cookie, against DATABASE_URL's database.
HOME_WITH_COOKIE = """
from django.test import Client
client = Client(HTTP_HOST="localhost")
client.cookies["sessionid"] = {key!r}
print(client.get("/").status_code)
"""


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """This test's uploads only: restore_db puts the files next to MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def restored_name(transactional_db):
    yield RESTORED
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{RESTORED}" WITH (FORCE)')


def _home_status_with_session(key: str, database_url: str) -> int:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "orderreview.settings",
        "DJANGO_DEBUG": "1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "0",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", HOME_WITH_COOKIE.format(key=key)],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return int(result.stdout.strip().splitlines()[-1])


def _restored_url(name: str) -> str:
    live = test_database_url()
    head, _, tail = live.partition("?")
    base = head.rsplit("/", 1)[0]
    return f"{base}/{name}" + (f"?{tail}" if tail else "")


def _counts(name: str) -> dict[str, int]:
    restored = _connect(name)
    try:
        with restored.cursor() as cursor:
            found = {}
            for table in ("django_session", "axes_accessattempt", "orderreview_user"):
                cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608
                found[table] = cursor.fetchone()[0]
            return found
    finally:
        restored.close()


def _logged_in_session(client, user) -> str:
    client.force_login(user)
    return client.cookies["sessionid"].value


def _failed_logins(client, username: str, times: int) -> None:
    for _ in range(times):
        client.post(
            reverse("login"), {"username": username, "password": "wrong-password"}
        )


def test_backup_file_is_owner_only_in_an_owner_only_folder(tmp_path, db):
    old_umask = os.umask(0o022)
    try:
        dump = tmp_path / "backups" / "nested" / "orderreview.dump"
        call_command("backup_db", str(dump))
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    assert stat.S_IMODE(dump.parent.stat().st_mode) == 0o700


def test_a_backup_file_that_existed_world_readable_is_rewritten_owner_only(
    tmp_path, db
):
    folder = tmp_path / "open"
    folder.mkdir(mode=0o755)
    dump = folder / "orderreview.dump"
    dump.write_bytes(b"old")
    dump.chmod(0o644)
    call_command("backup_db", str(dump))
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_restored_copy_holds_no_sessions_and_no_lockout_attempts(
    tmp_path, restored_name, client, service_user, approver
):
    key = _logged_in_session(client, service_user)
    _failed_logins(client, approver.username, 2)
    assert Session.objects.filter(session_key=key).exists()
    assert AccessAttempt.objects.exists()
    dump = tmp_path / "backup.dump"

    call_command("backup_db", str(dump))
    call_command("restore_db", str(dump), database_name=restored_name)

    counts = _counts(restored_name)
    assert counts["django_session"] == 0
    assert counts["axes_accessattempt"] == 0
    assert counts["orderreview_user"] >= 2  # the accounts themselves are backed up


def test_a_session_from_before_the_backup_does_not_log_into_the_restored_copy(
    tmp_path, restored_name, client, service_user
):
    key = _logged_in_session(client, service_user)
    dump = tmp_path / "backup.dump"
    call_command("backup_db", str(dump))
    call_command("restore_db", str(dump), database_name=restored_name)

    # The same cookie opens the home page on the live database...
    assert _home_status_with_session(key, test_database_url()) == 200
    # ...and is sent to the login page by the restored copy.
    assert _home_status_with_session(key, _restored_url(restored_name)) == 302


def test_restoring_an_old_dump_that_holds_sessions_empties_them(
    tmp_path, restored_name, client, service_user
):
    key = _logged_in_session(client, service_user)
    _failed_logins(client, "nobody", 1)
    dump = tmp_path / "old-style.dump"
    # A dump the way backups were written before: every table's rows.
    _run(
        [
            postgres_program("pg_dump", server_major_version()),
            "--format=custom",
            "--no-owner",
            f"--file={dump}",
        ],
        libpq_environment(connection.settings_dict),
    )

    call_command("restore_db", str(dump), database_name=restored_name)

    counts = _counts(restored_name)
    assert counts["django_session"] == 0
    assert counts["axes_accessattempt"] == 0
    assert _home_status_with_session(key, _restored_url(restored_name)) == 302
