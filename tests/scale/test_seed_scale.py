"""seed_scale builds a dataset the app and its audit checks accept as real."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.urls import reverse

from communications.models import Communication
from devtools import scale
from devtools.demo import seed_demo
from orderreview.models import User
from orderreview.trigram import trigram_indexes_present
from orders.models import Customer, Order
from orders.orderforms.order_value import order_value_of
from requirements.models import Requirement, RequirementSet
from reviews import signing
from reviews.models import Assessment, Decision, Review, Signature
from reviews.selectors import chain_report, review_for_content

ORDERS = 60
SEEDED_MODELS = [
    Customer,
    Order,
    RequirementSet,
    Requirement,
    Review,
    Assessment,
    Decision,
    Signature,
    Communication,
]


def _schema_of_loaded_tables() -> set[tuple[str, str]]:
    """Every index and constraint of the tables seed_scale loads, as PostgreSQL
    spells them."""
    tables = scale._loaded_tables()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE tablename = ANY(%s)",
            [tables],
        )
        rows = set(cursor.fetchall())
        cursor.execute(
            "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        return rows | set(cursor.fetchall())


@pytest.fixture
def seeded(db):
    # The demo data (11 orders) first, so the schema is compared with data in it.
    seed_demo()
    before = _schema_of_loaded_tables()
    added = scale.seed_scale(orders=ORDERS)
    return added, before


def test_a_small_seeded_dataset_is_complete_and_verifies(seeded, client):
    # One seeding, several checks: seeding is the slow part.
    _added, schema_before = seeded
    # More orders added than there were: indexes and keys were set aside and
    # are all back, as they were.
    assert _schema_of_loaded_tables() == schema_before
    assert any("FOREIGN KEY" in definition for _table, definition in schema_before)
    # The search indexes are among them wherever PostgreSQL has pg_trgm (the
    # embedded server has not: search works without them there).
    searched = any("gin_trgm_ops" in definition for _table, definition in schema_before)
    assert searched == bool(trigram_indexes_present(connection))
    _orders_exist_in_every_state()
    _some_orders_have_a_change_order_with_carried_forward_verdicts()
    _every_submitted_revision_has_requirements_and_a_review()
    _the_signature_chain_verifies()
    _every_signed_content_is_what_its_rows_say_now()
    _every_seeded_row_has_its_history_row()
    _order_numbers_come_from_the_sequence()
    _some_orders_have_lines_and_every_priced_order_a_value()
    _the_order_list_shows_the_seeded_orders(client)


def _orders_exist_in_every_state():
    assert Order.objects.count() == ORDERS
    assert set(Order.objects.values_list("status", flat=True)) == set(
        Order.Status.values
    )
    assert set(Review.objects.values_list("state", flat=True)) == {"open", "decided"}
    assert set(Decision.objects.values_list("outcome", flat=True)) == {
        "accept",
        "reject",
    }
    verdicts = set(Assessment.objects.values_list("verdict", flat=True))
    assert {"", "can_meet", "cannot_meet"} <= verdicts


def _some_orders_have_a_change_order_with_carried_forward_verdicts():
    second = RequirementSet.objects.filter(number=2)
    assert second.exists()
    assert Assessment.objects.filter(
        review__requirement_set__number=2, carried_from__isnull=False
    ).exists()
    # The changed requirement needs a fresh look: not everything is carried.
    assert Assessment.objects.filter(
        review__requirement_set__number=2, carried_from__isnull=True
    ).exists()


def _every_submitted_revision_has_requirements_and_a_review():
    submitted = RequirementSet.objects.exclude(state="draft")
    assert not submitted.filter(review__isnull=True).exists()
    assert not submitted.annotate(n=Count("requirements")).filter(n=0).exists()
    assert not RequirementSet.objects.filter(state="draft", review__isnull=False)


def _the_signature_chain_verifies():
    report = chain_report()
    assert report.ok, report.summary
    assert report.count == Decision.objects.count() == Signature.objects.count()
    call_command("verify_signatures")


def _every_signed_content_is_what_its_rows_say_now():
    # Signed from the rows before they were COPYed: read back, they give the same
    # content, so the acceptance record shows no change since signing. (The demo's
    # orders, signed through the services, may have changed since on purpose.)
    seeded = Signature.objects.filter(
        decision__review__order__customer__account_code__startswith="SC-"
    )
    assert seeded.exists()
    for signature in seeded.select_related("decision"):
        decision = signature.decision
        live = signing.review_content(review_for_content(decision.review_id), decision)
        assert live == signature.content, signature.pk


def _every_seeded_row_has_its_history_row():
    for model in SEEDED_MODELS:
        ids = set(model.objects.values_list("pk", flat=True))
        history = model.history.filter(history_type="+")
        assert ids == set(history.values_list("id", flat=True)), model.__name__
    # A seeded order (the demo ones are made through the services, step by step).
    order = Order.objects.filter(
        status="accepted", customer__account_code__startswith="SC-"
    ).first()
    row = order.history.get()
    assert row.history_user.username == "service"
    assert row.status == "accepted"
    signature_row = Signature.history.first()
    assert signature_row.history_user.username == "approver"


def _order_numbers_come_from_the_sequence():
    numbers = sorted(Order.objects.values_list("number", flat=True))
    assert len(set(numbers)) == ORDERS
    # The next order the app creates does not collide with a seeded one.
    from orders.services import order_number_next

    assert order_number_next()[-6:] > max(n[-6:] for n in numbers)


def _some_orders_have_lines_and_every_priced_order_a_value():
    seeded = Order.objects.filter(customer__account_code__startswith="SC-")
    with_lines = seeded.filter(form_version__sections__repeating=True).distinct()
    assert with_lines.exists()
    line_requirements = Requirement.objects.filter(
        requirement_set__order__in=with_lines, key__regex=r"^L[0-9]+\."
    )
    assert line_requirements.filter(key__startswith="L2.").exists()
    sample = line_requirements.filter(key__endswith=".quantity").first()
    line = sample.key.split(".")[0]
    assert sample.statement == f"Line {line[1:]} · {sample.question.label}"
    # Each line's requirements are in the review too.
    assert Assessment.objects.filter(requirement__in=line_requirements).exists()
    # Every submitted order on a priced form has its value, the sum over its
    # lines (or its one price) times the quantity, as submitting computes it.
    priced = seeded.exclude(status="draft").exclude(form_version__value_question="")
    assert priced.filter(pk__in=with_lines).exists()
    for order in priced.select_related("form_version"):
        latest = order.revisions.exclude(state="draft").order_by("-number")[0]
        money = order_value_of(order.form_version, latest.answers)
        assert money is not None, order.number
        assert (order.value, order.value_currency) == (money.amount, money.currency)


def _the_order_list_shows_the_seeded_orders(client):
    client.force_login(User.objects.get(username="admin"))
    newest = Order.objects.order_by("-created_at").first()
    page = client.get(reverse("orders:order_list"))
    assert page.status_code == 200
    assert newest.number in page.content.decode()
    found = client.get(reverse("orders:order_list"), {"q": newest.number})
    assert found.status_code == 200
    assert newest.number in found.content.decode()


def test_seeding_again_adds_nothing_and_refuses_to_pad_real_data(seeded, monkeypatch):
    assert scale.seed_scale(orders=ORDERS) == {}
    schema = _schema_of_loaded_tables()
    assert Order.objects.count() == ORDERS
    monkeypatch.setattr(scale, "DEMO_ORDERS_AT_MOST", ORDERS - 1)
    with pytest.raises(CommandError, match="--force-more"):
        call_command("seed_scale", orders=ORDERS + 5)
    assert Order.objects.count() == ORDERS
    out = io.StringIO()
    call_command("seed_scale", orders=ORDERS + 5, force_more=True, stdout=out)
    assert Order.objects.count() == ORDERS + 5
    # Progress while it runs: how many, how fast, how long still.
    assert "5/5 orders, " in out.getvalue()
    assert "orders/s" in out.getvalue() and "s to go" in out.getvalue()
    assert chain_report().ok
    # Five more to sixty: loaded with every index and key in place.
    assert _schema_of_loaded_tables() == schema
