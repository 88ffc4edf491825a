"""Quotes: their own numbers, a validity date, the same review and signature as an
order, a record that says "quote reviewed, capability confirmed"."""

import datetime
import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from orders.models import Channel, Order
from reviews.record import QUOTE_ACCEPTED
from tests import factories
from tests.quotes.conftest import submitted_quote, valid_until

pytestmark = pytest.mark.django_db


def _post(customer, version, **extra):
    data = {
        "customer": customer.pk,
        "form": version.form.pk,
        "channel": Channel.EMAIL,
        "documented_statement": "yes",
        "valid_until": valid_until().isoformat(),
    }
    data.update(extra)
    return data


def test_a_quote_gets_its_own_number_and_validity(client, service_user, change_version):
    customer = factories.CustomerFactory()
    client.force_login(service_user)
    response = client.post(reverse("orders:quote_new"), _post(customer, change_version))
    quote = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:order_edit", args=[quote.number])
    assert re.fullmatch(rf"QU-{timezone.now().year}-\d{{6}}", quote.number)
    assert quote.kind == Order.Kind.QUOTE
    assert quote.valid_until == valid_until()
    page = client.get(quote.get_absolute_url()).content.decode()
    assert f"Quote {quote.number}" in page
    assert 'data-field="valid-until"' in page


def test_orders_keep_their_numbers_and_have_no_validity(
    client, service_user, change_version
):
    customer = factories.CustomerFactory()
    client.force_login(service_user)
    data = _post(customer, change_version)
    client.post(reverse("orders:order_new"), data)
    order = Order.objects.get()
    assert order.number.startswith("SO-")
    assert order.kind == Order.Kind.ORDER
    assert order.valid_until is None


@pytest.mark.parametrize(
    ("valid", "message"),
    [
        ("", "Say until when the quote holds."),
        ("2001-01-01", "The quote would already have expired."),
        ("not a date", "Enter a valid date."),
    ],
)
def test_bad_validity_is_said_beside_the_field_and_keeps_the_typing(
    client, service_user, change_version, valid, message
):
    customer = factories.CustomerFactory()
    client.force_login(service_user)
    response = client.post(
        reverse("orders:quote_new"),
        _post(customer, change_version, valid_until=valid, customer_reference="RFQ-9"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'value="RFQ-9"' in page
    assert not Order.objects.exists()


def test_the_database_refuses_a_quote_without_validity_or_an_order_with_one(
    change_version,
):
    customer = factories.CustomerFactory()
    common = {
        "customer": customer,
        "form_version": change_version,
        "channel": Channel.EMAIL,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.create(number="QU-X-1", kind="quote", **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.create(
            number="SO-X-1", valid_until=datetime.date.today(), **common
        )


def test_the_kind_of_an_order_never_changes(change_version, service_user):
    quote = submitted_quote(change_version, service_user).order
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=quote.pk).update(kind="order", valid_until=None)


def test_the_list_filters_quotes_and_orders(client, service_user, change_version):
    quote = submitted_quote(change_version, service_user).order
    order = factories.OrderFactory()
    client.force_login(service_user)
    quotes = client.get(reverse("orders:order_list"), {"kind": "quote"})
    assert quote.number in quotes.content.decode()
    orders = client.get(reverse("orders:order_list"), {"kind": "order"})
    assert quote.number not in orders.content.decode()
    assert order.number in orders.content.decode()
    assert order.number not in quotes.content.decode()
    everything = client.get(reverse("orders:order_list"))
    assert quote.number in everything.content.decode()


def test_a_bad_kind_filter_is_said_and_lists_everything(client, service_user):
    client.force_login(service_user)
    response = client.get(reverse("orders:order_list"), {"kind": "tender"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_a_reviewed_quote_records_capability_confirmed(
    client, reviewed_quote, approver
):
    assert reviewed_quote.status == Order.Status.ACCEPTED
    client.force_login(approver)
    url = reverse("reviews:acceptance_record", args=[reviewed_quote.number, 1])
    page = client.get(url).content.decode()
    assert QUOTE_ACCEPTED in page
    assert "Quote review record" in page
    pdf = client.get(
        reverse("reviews:acceptance_record_pdf", args=[reviewed_quote.number, 1])
    )
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
