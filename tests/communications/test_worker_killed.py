"""A worker killed with SIGKILL leaves nothing stuck and nothing sent twice.

The real `manage.py db_worker` runs against the test database and is killed
mid-task; the next worker's start-up sweep hands the task back. A notice killed
before the mail server saw it is sent afterwards; one killed inside the send is
shown as uncertain and never resent without a person deciding it.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from communications import outbound
from communications.models import OutboundNotice
from orderreview import events
from tests.communications.test_worker import DB_TASKS, test_database_url

HANGING = "tests.communications.email_backends.HangingBackend"
FILES = "django.core.mail.backends.filebased.EmailBackend"


def _worker_env(mail_dir: Path, backend: str, stuck_after: int) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "orderreview.settings",
        "DJANGO_SECRET_KEY": "worker-test-secret-key-not-for-production",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": test_database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "DJANGO_EMAIL_BACKEND": backend,
        "DJANGO_EMAIL_FILE_PATH": str(mail_dir),
        "TASK_STUCK_AFTER_SECONDS": str(stuck_after),
    }


def _worker_command(*extra: str) -> list[str]:
    return [sys.executable, "manage.py", "db_worker", "--no-reload", *extra]


def _start_worker(mail_dir: Path, backend: str) -> subprocess.Popen:
    mail_dir.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(  # noqa: S603
        _worker_command("--interval", "0.2", "--no-startup-delay"),
        cwd=django_settings.BASE_DIR,
        env=_worker_env(mail_dir, backend, stuck_after=900),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _next_worker(mail_dir: Path) -> subprocess.CompletedProcess:
    """A new worker, after the dead one's tasks count as stuck (age 0)."""
    mail_dir.mkdir(parents=True, exist_ok=True)
    return subprocess.run(  # noqa: S603
        _worker_command("--batch", "--no-startup-delay"),
        cwd=django_settings.BASE_DIR,
        env=_worker_env(mail_dir, FILES, stuck_after=0),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _wait_for(condition, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _kill(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)


def _queued_notice(revision) -> OutboundNotice:
    with transaction.atomic():
        events.revision_submitted.send(sender=None, revision=revision)
    return OutboundNotice.objects.get()


def _mails(mail_dir: Path) -> list[Path]:
    return [p for p in mail_dir.iterdir() if p.name != "send-started"]


def _raw_connection():
    db = connection.settings_dict
    return psycopg2.connect(
        dbname=db["NAME"],
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
    )


def _waiting_on_a_lock(raw) -> bool:
    with raw.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_a_notice_whose_worker_was_killed_before_sending_is_sent_afterwards_once(
    revision, settings, tmp_path
):
    settings.TASKS = DB_TASKS
    notice = _queued_notice(revision)
    # Hold the notice row so the worker, having claimed the task, waits inside it.
    holder = _raw_connection()
    with holder.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM communications_outboundnotice WHERE id = %s FOR UPDATE",
            [notice.pk],
        )
    watcher = _raw_connection()
    watcher.autocommit = True
    worker = _start_worker(tmp_path / "first", FILES)
    try:
        _wait_for(lambda: _waiting_on_a_lock(watcher), "the worker to be mid-task")
    finally:
        _kill(worker)
        holder.rollback()
        holder.close()
        watcher.close()
    task = DBTaskResult.objects.get()
    assert task.status == "RUNNING"  # what the dead worker left: stuck forever
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == ("queued", 0)

    result = _next_worker(tmp_path / "second")

    assert result.returncode == 0, result.stderr
    notice.refresh_from_db()
    assert notice.status == "sent", notice.last_error
    assert notice.attempts == 1
    assert len(_mails(tmp_path / "second")) == 1
    assert _mails(tmp_path / "first") == []
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_a_notice_whose_worker_was_killed_while_sending_is_shown_and_never_resent(
    revision, settings, tmp_path, client, service_user
):
    settings.TASKS = DB_TASKS
    notice = _queued_notice(revision)
    hang_dir = tmp_path / "hang"
    worker = _start_worker(hang_dir, HANGING)
    try:
        _wait_for(lambda: (hang_dir / "send-started").exists(), "the send to start")
    finally:
        _kill(worker)
    notice.refresh_from_db()
    assert notice.status == "sending"
    assert notice.attempts == 1

    mail_dir = tmp_path / "after"
    result = _next_worker(mail_dir)

    assert result.returncode == 0, result.stderr
    notice.refresh_from_db()
    assert notice.status == "uncertain"
    assert "may or may not have been delivered" in notice.last_error
    assert _mails(mail_dir) == []  # the task ran again and sent nothing
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    # Customer service sees it in the notices queue.
    client.force_login(service_user)
    page = client.get(reverse("communications:notice_list")).content.decode()
    assert "Uncertain: check before resending" in page
    # Running more workers still sends nothing.
    assert _next_worker(mail_dir).returncode == 0
    assert _mails(mail_dir) == []

    # A person checked it never arrived and resends it: exactly one more mail.
    outbound.notice_retry(notice=notice, user=service_user)
    assert _next_worker(mail_dir).returncode == 0
    notice.refresh_from_db()
    assert notice.status == "sent"
    assert notice.attempts == 2
    assert len(_mails(mail_dir)) == 1


@pytest.mark.django_db(transaction=True)
def test_notices_sweep_requeues_stuck_tasks_and_marks_stuck_sends_uncertain(
    revision, settings
):
    settings.TASKS = DB_TASKS
    notice = _queued_notice(revision)
    long_ago = timezone.now() - dt.timedelta(hours=2)
    DBTaskResult.objects.update(status="RUNNING", started_at=long_ago)
    OutboundNotice.objects.filter(pk=notice.pk).update(
        status="sending", attempts=1, sending_started_at=long_ago
    )

    call_command("notices_sweep")

    assert DBTaskResult.objects.get().status == "READY"
    notice.refresh_from_db()
    assert notice.status == "uncertain"
    assert notice.can_retry and notice.can_cancel


@pytest.mark.django_db(transaction=True)
def test_the_sweep_leaves_recent_work_alone(revision, settings):
    settings.TASKS = DB_TASKS
    notice = _queued_notice(revision)
    just_now = timezone.now()
    DBTaskResult.objects.update(status="RUNNING", started_at=just_now)
    OutboundNotice.objects.filter(pk=notice.pk).update(
        status="sending", attempts=1, sending_started_at=just_now
    )

    call_command("notices_sweep")

    assert DBTaskResult.objects.get().status == "RUNNING"
    notice.refresh_from_db()
    assert notice.status == "sending"


@pytest.mark.django_db(transaction=True)
def test_a_queued_notice_whose_task_is_gone_gets_a_new_one(revision, settings):
    settings.TASKS = DB_TASKS
    notice = _queued_notice(revision)
    DBTaskResult.objects.all().delete()
    OutboundNotice.objects.filter(pk=notice.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=2)
    )

    call_command("notices_sweep")

    task = DBTaskResult.objects.get()
    assert task.status == "READY"
    assert task.args_kwargs["args"] == [notice.pk, 0]


@pytest.mark.django_db(transaction=True)
def test_a_running_worker_sweeps_periodically_not_only_at_start_up(
    revision, settings, tmp_path
):
    settings.TASKS = DB_TASKS
    mail_dir = tmp_path / "periodic"
    mail_dir.mkdir()
    env = {
        **_worker_env(mail_dir, FILES, stuck_after=60),
        "TASK_SWEEP_INTERVAL_SECONDS": "1",
    }
    worker = subprocess.Popen(  # noqa: S603
        _worker_command("--interval", "0.2", "--no-startup-delay"),
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)  # past its start-up sweep
        notice = _queued_notice(revision)
        _wait_for(
            lambda: OutboundNotice.objects.get(pk=notice.pk).status == "sent",
            "the worker to send the new notice",
        )
        # Another worker died mid-send an hour ago, after this one started.
        OutboundNotice.objects.filter(pk=notice.pk).update(
            status="sending", sending_started_at=timezone.now() - dt.timedelta(hours=1)
        )
        _wait_for(
            lambda: OutboundNotice.objects.get(pk=notice.pk).status == "uncertain",
            "the periodic sweep",
            seconds=30,
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert len(_mails(mail_dir)) == 1
