import pytest
from django.urls import reverse

from orders.models import Customer
from tests import factories

pytestmark = pytest.mark.django_db


def test_customer_list_searches_name_code_and_contact(client, service_user, customer):
    factories.CustomerFactory(name="Nordic Instruments", account_code="NORD-14")
    client.force_login(service_user)
    url = reverse("orders:customer_list")
    assert [c.name for c in client.get(url).context["page"].rows] == [
        "Acme Precision Ltd",
        "Nordic Instruments",
    ]
    assert [c.name for c in client.get(url, {"q": "nord"}).context["page"].rows] == [
        "Nordic Instruments"
    ]
    assert [c.name for c in client.get(url, {"q": "acme-1"}).context["page"].rows] == [
        "Acme Precision Ltd"
    ]


@pytest.mark.parametrize("rows", [1, 50])
def test_customer_list_queries_are_constant(
    client, service_user, rows, django_assert_num_queries
):
    factories.CustomerFactory.create_batch(rows)
    client.force_login(service_user)
    # session, user, user's groups, one page of customers
    with django_assert_num_queries(4):
        response = client.get(reverse("orders:customer_list"))
    assert len(response.context["page"].rows) == rows


def test_create_customer_and_errors_keep_what_was_typed(client, service_user, customer):
    client.force_login(service_user)
    url = reverse("orders:customer_new")
    response = client.post(
        url, {"name": "Second Acme", "account_code": "ACME-1", "phone": "0123"}
    )
    assert response.status_code == 200
    assert "account_code" in response.context["form"].errors
    assert 'value="Second Acme"' in response.content.decode()
    response = client.post(url, {"name": "Second Acme", "account_code": "ACME-2"})
    created = Customer.objects.get(account_code="ACME-2")
    assert response["Location"] == created.get_absolute_url()


def test_edit_customer(client, service_user, customer):
    client.force_login(service_user)
    url = reverse("orders:customer_edit", args=[customer.pk])
    response = client.post(url, {"name": "", "account_code": "ACME-1"})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    response = client.post(
        url, {"name": "Acme Precision plc", "account_code": "ACME-1", "notes": "VIP"}
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.notes) == ("Acme Precision plc", "VIP")
    assert customer.history.first().history_user == service_user


@pytest.mark.parametrize("orders", [1, 30])
def test_customer_detail_shows_their_orders_in_constant_queries(
    client, service_user, customer, intake_version, orders, django_assert_num_queries
):
    user = factories.UserFactory()
    made = [
        factories.OrderFactory(
            customer=customer, form_version=intake_version, entered_by=user
        )
        for _ in range(orders)
    ]
    factories.OrderFactory(form_version=intake_version)  # someone else's order
    client.force_login(service_user)
    # session, user, user's groups, the customer, their orders with forms,
    # their communications (communications panel)
    with django_assert_num_queries(6):
        response = client.get(reverse("orders:customer_detail", args=[customer.pk]))
    assert {o.number for o in response.context["orders"]} == {o.number for o in made}


def test_customer_pages_permissions(client, customer, no_role_user, auditor, reviewer):
    urls = [
        reverse("orders:customer_list"),
        reverse("orders:customer_new"),
        reverse("orders:customer_detail", args=[customer.pk]),
        reverse("orders:customer_edit", args=[customer.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302, url
    for user in (no_role_user, reviewer):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403, url
    client.force_login(auditor)
    assert client.get(urls[0]).status_code == 200
    assert client.get(urls[2]).status_code == 200
    assert client.get(urls[1]).status_code == 403
    assert client.post(urls[3], {"name": "x"}).status_code == 403


def test_customer_unknown_is_404_and_wrong_method_405(client, service_user, customer):
    client.force_login(service_user)
    assert (
        client.get(reverse("orders:customer_detail", args=[99999])).status_code == 404
    )
    assert client.get(reverse("orders:customer_edit", args=[99999])).status_code == 404
    assert client.post(reverse("orders:customer_list")).status_code == 405
    detail = reverse("orders:customer_detail", args=[customer.pk])
    assert client.post(detail).status_code == 405
