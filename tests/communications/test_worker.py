"""The real task worker (`manage.py db_worker`) against the real test database."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from communications.models import Communication, OutboundNotice
from orderreview import events

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_database_url() -> str:
    """A DATABASE_URL for the database this test runs in, whatever it is called."""
    db = connection.settings_dict
    host, port = db["HOST"] or "", db["PORT"] or ""
    netloc = f"{quote(db['USER'], safe='')}:{quote(db['PASSWORD'] or '', safe='')}@"
    query = {}
    if host.startswith("/"):  # a Unix socket directory (the embedded server)
        query["host"] = host
    else:
        netloc += host
    if port:
        netloc += f":{port}"
    suffix = f"?{urlencode(query)}" if query else ""
    return f"postgres://{netloc}/{quote(db['NAME'], safe='')}{suffix}"


test_database_url.__test__ = False  # a helper, not a test


def run_worker(mail_dir: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "orderreview.settings",
        "DJANGO_SECRET_KEY": "worker-test-secret-key-not-for-production",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": test_database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "DJANGO_EMAIL_FILE_PATH": str(mail_dir),
    }
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
        ],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_sends_the_acknowledgement_and_logs_it(
    revision, settings, tmp_path
):
    settings.TASKS = DB_TASKS
    with transaction.atomic():
        events.revision_submitted.send(sender=None, revision=revision)
    # Committed: the send task waits in the database for a worker.
    task = DBTaskResult.objects.get()
    assert task.task_path == "communications.tasks.send_notice"
    assert OutboundNotice.objects.get().status == "queued"

    result = run_worker(tmp_path)

    assert result.returncode == 0, result.stderr
    notice = OutboundNotice.objects.get()
    assert notice.status == "sent", notice.last_error
    assert notice.attempts == 1
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    logged = Communication.objects.get()
    assert logged.pk == notice.communication_id
    assert logged.kind == "order_acknowledgement"
    assert logged.direction == "out"
    assert logged.order == revision.order
    files = list(tmp_path.iterdir())
    assert len(files) == 1
    sent = files[0].read_text()
    assert f"Subject: We have received your order {revision.order.number}" in sent
    assert "To: buyer@acme.example" in sent
    assert "Dear Jo Buyer" in sent
