import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from audit.history import object_history
from orders.models import Customer, Order
from tests import factories
from tests.audit import builders

T0 = dt.datetime(2026, 4, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def customer(db, service_user):
    with time_machine.travel(T0, tick=False):
        customer = builders.save(
            Customer(name="Acme", account_code="ACME-1", phone="1"), by=service_user
        )
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        customer.name = "Acme Ltd"
        customer.phone = "2"
        builders.save(customer, by=service_user, reason="Customer renamed")
    with time_machine.travel(T0 + dt.timedelta(hours=2), tick=False):
        builders.save(customer, by=service_user, reason="Saved without change")
    return customer


def test_each_change_lists_its_fields_old_and_new(customer, service_user):
    entries = object_history(Customer, customer.pk)
    assert [entry.change for entry in entries] == ["Changed", "Changed", "Created"]
    untouched, renamed, created = entries
    assert untouched.changes == []
    assert {(c.name, c.old, c.new) for c in renamed.changes} == {
        ("name", "Acme", "Acme Ltd"),
        ("phone", "1", "2"),
    }
    assert renamed.record.history_change_reason == "Customer renamed"
    assert renamed.record.history_user == service_user
    created_fields = {c.name: (c.old, c.new) for c in created.changes}
    assert created_fields["name"] == (None, "Acme")
    assert created_fields["account_code"] == (None, "ACME-1")


def test_non_editable_fields_are_compared_too(db, service_user):
    order = factories.OrderFactory()
    order.status = Order.Status.AWAITING_REVIEW
    builders.save(order, by=service_user)
    latest = object_history(Order, order.pk)[0]
    names = {change.name for change in latest.changes}
    # updated_at is auto_now (not editable): simple-history's own diff skips it.
    assert {"status", "updated_at"} <= names
    status = next(change for change in latest.changes if change.name == "status")
    assert (status.old, status.new) == ("Draft", "Awaiting review")
    updated = next(change for change in latest.changes if change.name == "updated_at")
    assert updated.new == order.updated_at.isoformat(sep=" ")


def test_the_page_shows_the_differences(client, auditor, customer):
    client.force_login(auditor)
    url = reverse("audit:object_history", args=["orders.customer", customer.pk])
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "<del>Acme</del>" in page and "<ins>Acme Ltd</ins>" in page
    assert "Customer renamed" in page
    assert f'href="{reverse("audit:timeline")}?model=orders.customer"' in page


def test_an_order_links_to_its_as_of_view(client, auditor, db):
    order = factories.OrderFactory()
    client.force_login(auditor)
    response = client.get(
        reverse("audit:object_history", args=["orders.order", order.pk])
    )
    assert (
        reverse("audit:order_as_of", args=[order.number]) in response.content.decode()
    )


@pytest.mark.parametrize(
    "args",
    [["orders.nothing", 1], ["sessions.session", 1], ["orders.customer", 999999]],
)
def test_unknown_models_and_objects_are_404(client, auditor, args):
    client.force_login(auditor)
    assert client.get(reverse("audit:object_history", args=args)).status_code == 404


def test_history_page_refuses_others(client, reviewer, customer):
    url = reverse("audit:object_history", args=["orders.customer", customer.pk])
    assert client.get(url).status_code == 302
    client.force_login(reviewer)
    assert client.get(url).status_code == 403


def test_history_page_is_read_only(client, auditor, customer):
    client.force_login(auditor)
    url = reverse("audit:object_history", args=["orders.customer", customer.pk])
    assert client.post(url).status_code == 405


@pytest.mark.parametrize("changes", [1, 30])
def test_history_page_has_a_constant_number_of_queries(
    client, auditor, service_user, django_assert_num_queries, changes
):
    customer = factories.CustomerFactory()
    for number in range(changes):
        customer.notes = f"note {number}"
        builders.save(customer, by=service_user)
    client.force_login(auditor)
    url = reverse("audit:object_history", args=["orders.customer", customer.pk])
    # 1 session, 2 user, 3 roles, 4 the object's history rows with their users.
    with django_assert_num_queries(4):
        response = client.get(url)
    assert len(response.context["entries"]) == changes + 1
