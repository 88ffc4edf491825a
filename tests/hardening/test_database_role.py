"""The web app and the worker connect as a role that may change rows, not tables.

Someone who takes over the app's database connection (an injection, a stolen
password from the app server) must not be able to switch off the append-only
triggers, empty the signed records or rewrite them. These tests log in as the app
role, set up exactly as migrate sets it up, and try.
"""

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import psycopg2.errors
import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from communications.models import OutboundNotice
from orderreview.db import command_needs_owner, database_config, database_urls
from orderreview.db_roles import RoleSetupError, app_role_grant, app_role_problems
from reviews import services as review_services
from reviews import signing
from reviews.models import Review, Signature
from tests.factories import TEST_PASSWORD
from tests.hardening.conftest import database_url, submitted

BASE_DIR = Path(__file__).resolve().parents[2]
HISTORY = "reviews_historicalreview"


@pytest.fixture
def app_cursor(app_role):
    """A cursor of a real login as the app role (autocommit, like the app's)."""
    settings_dict = connection.settings_dict
    login = psycopg2.connect(
        dbname=settings_dict["NAME"],
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=app_role.name,
        password=app_role.password,
    )
    login.autocommit = True
    with login.cursor() as cursor:
        yield cursor
    login.close()


def as_app_role(app_role) -> None:
    """From here to the end of the test's transaction, Django's queries run with
    the app role's privileges (rolled back with the test)."""
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{app_role.name}"')


REFUSED = {
    "disable_triggers": "ALTER TABLE reviews_signature DISABLE TRIGGER ALL",
    "disable_user_triggers": "ALTER TABLE reviews_decision DISABLE TRIGGER USER",
    "disable_one_trigger": (
        "ALTER TABLE reviews_signature DISABLE TRIGGER reviews_signature_append_only"
    ),
    "truncate_signatures": "TRUNCATE reviews_signature CASCADE",
    "truncate_decisions": "TRUNCATE reviews_decision CASCADE",
    "truncate_history": f"TRUNCATE {HISTORY}",
    "alter_table": "ALTER TABLE reviews_signature ADD COLUMN note text",
    "drop_constraint": (
        "ALTER TABLE reviews_signature DROP CONSTRAINT reviews_signature_pkey"
    ),
    "drop_table": "DROP TABLE reviews_signature CASCADE",
    "create_trigger": (
        "CREATE TRIGGER quiet BEFORE UPDATE ON reviews_signature "
        "FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()"
    ),
    "drop_trigger": "DROP TRIGGER reviews_signature_append_only ON reviews_signature",
    "replica_mode": "SET session_replication_role = replica",
    "update_signature": "UPDATE reviews_signature SET meaning = 'Rejected'",
    "delete_signature": "DELETE FROM reviews_signature",
    "update_decision": "UPDATE reviews_decision SET reasons = ''",
    "delete_decision": "DELETE FROM reviews_decision",
    "update_history": f"UPDATE {HISTORY} SET history_change_reason = 'tidied'",
    "delete_history": f"DELETE FROM {HISTORY}",
    "delete_user": "DELETE FROM orderreview_user",
    "rewrite_migration_log": "DELETE FROM django_migrations",
    "replace_trigger_function": (
        "CREATE OR REPLACE FUNCTION reviews_refuse_change() RETURNS trigger "
        "AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql"
    ),
    "create_table": "CREATE TABLE shadow (id int)",
    "become_superuser": "ALTER ROLE CURRENT_USER SUPERUSER",
    "create_role": "CREATE ROLE helper SUPERUSER LOGIN",
    "rewind_order_numbers": "SELECT setval('orders_order_number_seq', 1)",
}


@pytest.mark.parametrize("statement", REFUSED.values(), ids=REFUSED.keys())
def test_app_role_is_refused_what_would_rewrite_signed_records(app_cursor, statement):
    # 42501 insufficient_privilege: refused for want of a privilege, before any
    # trigger would have had to run.
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        app_cursor.execute(statement)


def test_grant_with_the_app_role_itself_changes_nothing(app_cursor):
    # GRANT of a privilege one does not hold is a warning, not an error: prove
    # that it gave the role nothing.
    app_cursor.execute("GRANT TRUNCATE ON reviews_signature TO CURRENT_USER")
    app_cursor.execute("SELECT has_table_privilege('reviews_signature', 'TRUNCATE')")
    assert app_cursor.fetchone()[0] is False


def test_app_role_reads_and_writes_rows(app_cursor):
    app_cursor.execute("SELECT current_user, count(*) FROM reviews_signature")
    assert app_cursor.fetchone()[0].startswith("orderreview_app_")
    app_cursor.execute("BEGIN")  # rolled back: other tests see none of this
    try:
        app_cursor.execute(
            "INSERT INTO orders_customer (name, account_code, contact_name, email,"
            " phone, address, notes, created_at) VALUES"
            " ('Role Test Ltd', 'ROLE-1', '', '', '', '', '', now()) RETURNING id"
        )
        customer_id = app_cursor.fetchone()[0]
        app_cursor.execute(
            "UPDATE orders_customer SET notes = 'checked' WHERE id = %s",
            [customer_id],
        )
        assert app_cursor.rowcount == 1
        app_cursor.execute("SELECT nextval('orders_order_number_seq')")
        assert app_cursor.fetchone()[0] >= 1
        app_cursor.execute("DELETE FROM orders_customer WHERE id = %s", [customer_id])
        assert app_cursor.rowcount == 1
    finally:
        app_cursor.execute("ROLLBACK")


def test_app_role_takes_an_order_from_intake_to_a_signed_decision(
    app_role, intake_version, customer, service_user, approver
):
    as_app_role(app_role)
    order = submitted(intake_version, customer, service_user)
    review = Review.objects.get(order=order)
    for slot in review.assessments.select_related("discipline"):
        slot.discipline.members.add(approver)
        review_services.assessment_record(
            assessment=slot,
            user=approver,
            verdict="can_meet",
            note="",
            version=slot.version,
        )
    review_services.decision_sign(
        review=review,
        signer=approver,
        outcome="accept",
        reasons="",
        password=TEST_PASSWORD,
    )
    report = signing.chain_verify(Signature.objects.order_by("pk"))
    assert report.ok and report.count == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == app_role.name


def test_app_role_serves_the_pages_of_a_signed_order(
    app_role, client, intake_version, customer, service_user, auditor
):
    as_app_role(app_role)
    order = submitted(intake_version, customer, service_user)
    client.force_login(auditor)
    for url in (
        reverse("orders:order_detail", args=[order.number]),
        reverse("orders:order_list"),
        reverse("audit:timeline"),
    ):
        assert client.get(url).status_code == 200, url


def test_check_finds_nothing_wrong_with_the_app_role(app_role, db):
    as_app_role(app_role)
    assert app_role_problems(connection) == []


def test_check_reports_an_app_that_connects_as_the_owner(db):
    ids = {problem.id for problem in app_role_problems(connection)}
    # The tests connect as the owner: a superuser on CI's servers, else the owner.
    assert ids & {"orderreview.E101", "orderreview.E102"}


def test_a_grant_made_by_hand_does_not_survive_the_next_migrate(app_role, db, settings):
    with connection.cursor() as cursor:
        cursor.execute(
            f'GRANT TRUNCATE, TRIGGER ON reviews_signature TO "{app_role.name}"'
        )
    settings.DATABASE_APP_ROLE = app_role.name
    settings.DATABASE_URL = app_role.url
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege(%s, 'reviews_signature', 'TRUNCATE'), "
            "has_table_privilege(%s, 'reviews_signature', 'TRIGGER'), "
            "has_table_privilege(%s, 'reviews_signature', 'INSERT')",
            [app_role.name] * 3,
        )
        assert cursor.fetchone() == (False, False, True)


def test_owner_is_never_made_the_app_role(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
    with pytest.raises(RoleSetupError, match="restrict nothing"):
        app_role_grant(connection, role=owner)


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_notices_as_the_app_role(
    app_role, intake_version, customer, service_user, settings, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    submitted(intake_version, customer, service_user)  # queues the acknowledgement
    assert OutboundNotice.objects.filter(status="queued").exists()
    owner = connection.settings_dict
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="orderreview.settings",
        DJANGO_SECRET_KEY="worker-role-test-secret-key-not-for-production",
        DJANGO_DEBUG="0",
        DATABASE_URL=app_role.url,
        DATABASE_OWNER_URL=database_url(owner["USER"], owner["PASSWORD"] or ""),
        DATABASE_CONN_MAX_AGE="0",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        DJANGO_EMAIL_FILE_PATH=str(tmp_path),
    )
    worker = [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload"]
    result = subprocess.run(  # noqa: S603
        [*worker, "--no-startup-delay"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert not OutboundNotice.objects.exclude(status="sent").exists()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert len(list(tmp_path.iterdir())) >= 1


# --- which role each process connects as ------------------------------------


def test_migrate_and_maintenance_connect_as_owner_and_the_rest_as_app():
    for command in ("migrate", "db_roles_setup", "backup_db", "restore_db", "flush"):
        assert command_needs_owner(["manage.py", command]), command
    for command in ("runserver", "db_worker", "shell", "seed_demo", "check"):
        assert not command_needs_owner(["manage.py", command]), command


def test_two_urls_make_the_app_role_the_user_of_database_url():
    urls = database_urls(
        url="postgres://orderreview_app:a@db.example:5432/orders",
        owner_url="postgres://orderreview:o@db.example:5432/orders",
    )
    assert urls.app_role == "orderreview_app"
    assert database_config(urls.owner)["USER"] == "orderreview"


def test_one_url_means_no_separate_app_role():
    url = "postgres://postgres@127.0.0.1:5432/orders"
    assert database_urls(url=url).app_role is None
    assert database_urls(url=url, owner_url=url).app_role is None


def test_owner_url_for_another_database_is_refused():
    with pytest.raises(ValueError, match="same server and database"):
        database_urls(
            url="postgres://app:a@db.example/orders",
            owner_url="postgres://owner:o@db.example/other",
        )


def _embedded(code: str, *, as_owner: bool = False) -> str:
    """Run code with the project's settings and no DATABASE_URL: the embedded
    server, as `make run` uses it. Returns what it prints."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_"))
    }
    env.update(DJANGO_DEBUG="1", DJANGO_SETTINGS_MODULE="orderreview.settings")
    prelude = "from orderreview import db; db.connect_as_owner()\n" if as_owner else ""
    script = (
        prelude + "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('SELECT current_user')\n"
        "    current = cursor.fetchone()[0]\n" + code
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_on_the_embedded_server_the_app_connects_as_orderreview_app():
    assert _embedded("print(current)") == "orderreview_app"
    printed = _embedded(
        "cursor = connection.cursor()\n"
        "cursor.execute('SELECT rolsuper, rolcreaterole, rolcreatedb "
        "FROM pg_roles WHERE rolname = current_user')\n"
        "print(cursor.fetchone())"
    )
    assert printed == "(False, False, False)"


def test_on_the_embedded_server_migrations_connect_as_its_superuser():
    assert _embedded("print(current)", as_owner=True) == "postgres"
