"""reviews 0015 carries each rule's old scope (orders / changes / both, by revision
number, a quote's revisions included) over to the flags without a rule ceasing to
cover what it covered, and back without a rule coming to cover more; its history
rows too, which stay append-only. Run with the migration executor, forward and
backward."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = ("reviews", "0014_quotes")
FLAGS_ADDED = ("reviews", "0015_rule_applies_to")

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(target):
    """Migrate reviews to target; returns the models as they are there."""
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return MigrationExecutor(connection).loader.project_state([target]).apps


@pytest.fixture(autouse=True)
def every_app_forward_again():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def old_rule(apps, name, applies_to, *, active=True, when=None):
    """A rule as before 0015, with its history row (as simple-history writes)."""
    rule = apps.get_model("reviews", "ApprovalRule").objects.create(
        name=name, active=active, applies_to=applies_to
    )
    apps.get_model("reviews", "HistoricalApprovalRule").objects.create(
        id=rule.pk,
        name=name,
        active=active,
        applies_to=applies_to,
        conditions=[],
        approvers_required=1,
        role_required="",
        created_at=rule.created_at,
        history_date=when or timezone.now(),
        history_type="+",
    )
    return rule


def flags(apps, name):
    """(orders, quotes, changes) of the rule and of each of its history rows."""
    rule = apps.get_model("reviews", "ApprovalRule").objects.get(name=name)
    rows = apps.get_model("reviews", "HistoricalApprovalRule").objects.filter(
        id=rule.pk
    )
    fields = ("applies_to_orders", "applies_to_quotes", "applies_to_changes")
    return (
        tuple(getattr(rule, f) for f in fields),
        [tuple(getattr(row, f) for f in fields) for row in rows.order_by("pk")],
    )


def test_old_scopes_keep_what_they_covered_and_come_back(db):
    apps = migrate(BEFORE)
    for scope in ("orders", "changes", "both"):
        old_rule(apps, scope, scope)

    apps = migrate(FLAGS_ADDED)
    # The history rows were carried over, and stay append-only.
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        apps.get_model("reviews", "HistoricalApprovalRule").objects.update(active=False)
    # orders: first revisions, a quote's too -> orders and quotes.
    assert flags(apps, "orders") == ((True, True, False), [(True, True, False)])
    # changes: later revisions, a renewed quote's too -> change orders and quotes.
    assert flags(apps, "changes") == ((False, True, True), [(False, True, True)])
    assert flags(apps, "both") == ((True, True, True), [(True, True, True)])

    apps = migrate(BEFORE)
    rules = apps.get_model("reviews", "ApprovalRule").objects
    history = apps.get_model("reviews", "HistoricalApprovalRule").objects
    for scope in ("orders", "changes", "both"):
        assert rules.get(name=scope).applies_to == scope
        assert history.get(name=scope).applies_to == scope


def test_backwards_a_rule_never_comes_to_cover_more(db):
    apps = migrate(FLAGS_ADDED)
    rules = apps.get_model("reviews", "ApprovalRule").objects
    rules.create(name="Orders only", applies_to_quotes=False, applies_to_changes=False)
    rules.create(name="Quotes only", applies_to_orders=False, applies_to_changes=False)
    rules.create(name="Quotes and changes", applies_to_orders=False)
    with pytest.raises(RuntimeError, match="Orders only, Quotes only$"):
        migrate(BEFORE)

    # Ticking quotes (or deactivating) lets it through, each on its nearest scope.
    rules.filter(name="Orders only").update(applies_to_quotes=True)
    rules.filter(name="Quotes only").update(active=False)
    apps = migrate(BEFORE)
    scopes = dict(
        apps.get_model("reviews", "ApprovalRule").objects.values_list(
            "name", "applies_to"
        )
    )
    assert scopes == {
        "Orders only": "orders",
        "Quotes only": "orders",
        "Quotes and changes": "changes",
    }
