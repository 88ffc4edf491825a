"""Nothing changes a tracked row without a history row (ISO 9001 7.5.3).

Three guards: every model of our apps has history; no code writes around it
(queryset.update, bulk writes, raw SQL); and the history tables refuse UPDATE and
DELETE in the database itself.
"""

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from audit.guard import (
    TRIGGER_NAME,
    history_tables,
    install_history_triggers,
)
from audit.registry import (
    TRACKED_APPS,
    has_history,
    history_model,
    is_historical,
    order_path,
    tracked_models,
)
from tests import factories
from tests.audit.history_scan import ROOT, python_files, scan_source

# Writes the scanner flags that are truly needed, each with why it is harmless.
ALLOWED = {
    (
        "audit/guard.py",
        "install_history_triggers",
    ): "DDL creating the append-only triggers themselves; it writes no row.",
    ("orderreview/backup.py", "restored_credentials_clear"): "empties sessions, "
    "lockout attempts and the cache of a restored copy (EXCLUDED_TABLE_DATA: tables "
    "without history); it writes no tracked row.",
    ("orderreview/auth.py", "last_login_update"): "writes only last_login, a "
    "field excluded from the user's history: a login is not a change to record.",
    ("scripts/db_admin.py", "main"): "creates and drops the scratch database of "
    "scripts/migrate_forward_check.sh and counts its rows; it writes no row.",
    ("orderreview/db.py", "_embedded_app_role_create"): "CREATE ROLE of the "
    "embedded server's app role; it writes no row.",
    ("orderreview/db_roles.py", "app_role_create"): "CREATE ROLE of the app role; "
    "it writes no row.",
    ("orderreview/db_roles.py", "app_role_grant"): "GRANT and REVOKE of the app "
    "role's privileges; it writes no row.",
    ("orderreview/db_roles.py", "app_role_problems"): "reads the catalogue for "
    "check --deploy; it writes nothing.",
    ("api/throttling.py", "allow_request"): "the API rate limit's one-statement "
    "upsert of api_rateallowance (a caller's allowance, not a record: no history); "
    "the table name comes from the model.",
    ("devtools/scale/copy.py", "copy_rows"): "seed_scale's bulk load: every buffer "
    "it copies is paired with the history rows of the same rows (CopyTable.take); "
    "tests/scale/test_seed_scale.py checks each seeded row has its history row.",
    ("audit/timeline_sql.py", "run"): "the timeline page's SELECT, compiled by "
    "the ORM from the timeline's own querysets once per shape of filter "
    "(audit.selectors._page_statement); run() refuses anything but a SELECT.",
    ("devtools/scale/bulkload.py", "restore"): "seed_scale builds again the "
    "indexes and foreign keys it set aside for a bulk load, as pg_get_indexdef and "
    "pg_get_constraintdef spelled them; DDL, it writes no row.",
}


def _untracked_model_names() -> set[str]:
    tracked = {model.__name__ for model in tracked_models()}
    return {
        model.__name__
        for model in apps.get_models(include_auto_created=True)
        if model.__name__ not in tracked and not is_historical(model)
    }


def _related_accessors() -> set[str]:
    """Reverse accessor names onto tracked models (order.revisions, ...)."""
    names = set()
    for model in tracked_models():
        for relation in model._meta.related_objects:
            if relation.related_model in tracked_models():
                names.add(relation.get_accessor_name())
    return names


def _scan(source: str, path: str = "snippet.py") -> list[str]:
    return [
        finding.problem
        for finding in scan_source(
            source,
            path,
            untracked=_untracked_model_names(),
            related=_related_accessors(),
        )
    ]


def test_every_model_of_our_apps_has_history():
    missing = [
        model._meta.label
        for label in TRACKED_APPS
        for model in apps.get_app_config(label).get_models()
        if not is_historical(model) and not has_history(model)
    ]
    assert missing == [], f"add HistoricalRecords() to: {', '.join(missing)}"


def test_the_core_models_are_among_the_tracked_ones():
    labels = {model._meta.label for model in tracked_models()}
    assert {
        "orderreview.User",
        "orders.Order",
        "requirements.RequirementSet",
        "requirements.Requirement",
        "reviews.Review",
        "reviews.Assessment",
        "reviews.Decision",
        "reviews.Signature",
    } <= labels


def test_no_code_writes_tracked_rows_around_history():
    findings = []
    for path in python_files():
        relative = path.relative_to(ROOT).as_posix()
        for finding in scan_source(
            path.read_text(),
            relative,
            untracked=_untracked_model_names(),
            related=_related_accessors(),
        ):
            if (finding.path, finding.function) not in ALLOWED:
                findings.append(str(finding))
    assert findings == [], "writes bypassing history:\n" + "\n".join(findings)


def test_the_scan_covers_the_project_packages():
    scanned = {path.relative_to(ROOT).parts[0] for path in python_files()}
    assert set(TRACKED_APPS) <= scanned
    assert "tests" not in scanned


@pytest.mark.parametrize(
    "source",
    [
        "Order.objects.filter(pk=1).update(status='accepted')",
        "Order.objects.update(status='accepted')",
        "order.revisions.update(state='superseded')",
        "queryset.update(state='x')",
        "Requirement.objects.bulk_update(items, ['value'])",
        "Requirement.objects.bulk_create(items)",
        "some_queryset.bulk_create(items)",
        "cursor.execute('UPDATE orders_order SET status = %s', ['x'])",
        "cursor.execute(f'delete from {table}')",
        "cursor.execute('INSERT INTO reviews_review ' + rest)",
        "cursor.execute(sql)",
        "cursor.copy_expert('COPY orders_order (id) FROM STDIN', buffer)",
        "cursor.copy_expert(statement, buffer)",
        "cursor.copy_from(buffer, 'orders_order')",
        "update_change_reason(order, 'because')",
    ],
)
def test_the_scan_flags_writes_that_skip_history(db, source):
    assert _scan(source), f"not flagged: {source}"


@pytest.mark.parametrize(
    "source",
    [
        "context.update({'a': 1})",
        "data.update(extra)",
        "Session.objects.filter(pk=1).update(expire_date=None)",
        "bulk_create_with_history(items, Requirement)",
        "cursor.execute(\"SELECT nextval('orders_order_number_seq')\")",
        "order.save(update_fields=['status'])",
    ],
)
def test_the_scan_leaves_safe_code_alone(db, source):
    assert _scan(source) == []


def test_the_scan_names_file_line_and_function(db):
    findings = scan_source(
        "def close(o):\n    Order.objects.filter(pk=o).update(status='x')\n",
        "orders/services.py",
        untracked=set(),
        related=set(),
    )
    assert [str(f) for f in findings] == [
        "orders/services.py:2 in close(): queryset .update() on Order"
    ]


# --- append-only history tables ----------------------------------------------


def _triggered_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT event_object_table FROM information_schema.triggers "
            "WHERE trigger_name = %s",
            [TRIGGER_NAME],
        )
        return {row[0] for row in cursor.fetchall()}


def test_every_history_table_has_the_append_only_trigger(db):
    expected = {history_model(model)._meta.db_table for model in tracked_models()}
    assert expected <= set(history_tables())
    assert set(history_tables()) <= _triggered_tables()


def test_installing_the_triggers_again_is_harmless(db):
    first = install_history_triggers()
    second = install_history_triggers()
    assert first == second
    assert set(first) <= _triggered_tables()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE orders_historicalcustomer SET name = 'forged' WHERE id = %s",
        "DELETE FROM orders_historicalcustomer WHERE id = %s",
    ],
)
def test_raw_sql_cannot_rewrite_or_erase_history(db, statement):
    customer = factories.CustomerFactory(name="Acme")
    with (
        pytest.raises(IntegrityError, match="history is append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [customer.pk])
    assert customer.history.get().name == "Acme"


def test_history_rows_can_still_be_added(db):
    customer = factories.CustomerFactory(name="Acme")
    customer.name = "Acme Ltd"
    customer.save()
    assert [row.name for row in customer.history.all()] == ["Acme Ltd", "Acme"]


def test_each_record_finds_its_order_through_its_foreign_keys():
    paths = {
        model._meta.label: [field.name for field in order_path(model)]
        for model in tracked_models()
        if order_path(model) is not None
    }
    assert paths["orders.Order"] == []
    assert paths["requirements.Requirement"] == ["requirement_set", "order"]
    assert paths["reviews.Assessment"] == ["review", "order"]
    assert paths["reviews.Signature"] == ["decision", "review", "order"]
    assert "orders.Customer" not in paths and "orderreview.User" not in paths
