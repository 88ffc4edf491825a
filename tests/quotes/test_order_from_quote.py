"""An order made from a reviewed quote starts as a copy of the quote's reviewed
requirements; an expired quote is converted only with a recorded reason."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orders.models import Channel, Order
from requirements import quote_differences, quotes
from requirements import services as req_services
from requirements.services import requirement_add
from tests import factories
from tests.quotes.conftest import assess_all, sign, submitted_quote

pytestmark = pytest.mark.django_db


def _form(**extra):
    data = {
        "channel": Channel.EMAIL,
        "customer_reference": "PO-4711",
        "documented_statement": "yes",
    }
    data.update(extra)
    return data


def test_the_order_starts_as_a_copy_of_the_reviewed_quote(
    client, service_user, reviewed_quote
):
    client.force_login(service_user)
    page = client.get(reviewed_quote.get_absolute_url()).content.decode()
    assert 'data-action="order-from-quote"' in page
    response = client.post(
        reverse("orders:order_from_quote", args=[reviewed_quote.number]), _form()
    )
    order = Order.objects.get(quote=reviewed_quote)
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:order_edit", args=[order.number])
    assert order.number.startswith("SO-")
    assert order.customer == reviewed_quote.customer
    assert order.form_version == reviewed_quote.form_version
    assert order.customer_reference == "PO-4711"
    quoted = reviewed_quote.revisions.get()
    assert order.revisions.get().answers == quoted.answers
    detail = client.get(order.get_absolute_url()).content.decode()
    assert reviewed_quote.number in detail


def test_hand_added_requirements_are_copied_with_their_keys(
    change_version, service_user, team, approver, engineering
):
    draft = req_services.intake_start(
        user=service_user,
        form_version=change_version,
        channel=Channel.EMAIL,
        customer=submitted_quote(change_version, service_user).order.customer,
        documented_statement=True,
        answers={"part_number": "AX-1", "quantity": 5},
        kind="quote",
        valid_until=datetime.date.today() + datetime.timedelta(days=9),
    )
    requirement_add(
        revision=draft,
        user=service_user,
        statement="Pack in VCI bags",
        category="stated",
        discipline=engineering,
    )
    revision = req_services.revision_submit(revision=draft, user=service_user)
    assess_all(revision.review, team)
    sign(revision.review, approver)
    order_revision = quotes.order_from_quote(
        user=service_user, quote=revision.order, channel=Channel.EMAIL
    )
    copied = order_revision.requirements.get()
    original = revision.requirements.get(statement="Pack in VCI bags")
    assert copied.key == original.key
    assert copied.source == original.source
    assert quote_differences.quote_diff(order_revision).is_empty


def test_a_quote_not_yet_reviewed_gives_no_order(client, change_version, service_user):
    quote = submitted_quote(change_version, service_user).order
    with pytest.raises(ValidationError, match="confirmed the capability"):
        quotes.order_from_quote(user=service_user, quote=quote, channel=Channel.EMAIL)
    client.force_login(service_user)
    response = client.post(
        reverse("orders:order_from_quote", args=[quote.number]), _form()
    )
    assert response.status_code == 200
    assert "data-refusal" in response.content.decode()
    assert not Order.objects.filter(quote=quote).exists()


def test_an_order_is_no_quote_to_make_an_order_from(client, service_user):
    order = factories.OrderFactory()
    client.force_login(service_user)
    response = client.get(reverse("orders:order_from_quote", args=[order.number]))
    assert response.status_code == 200
    assert "is not a quote" in response.content.decode()


def test_bad_input_is_said_beside_the_field(client, service_user, reviewed_quote):
    client.force_login(service_user)
    response = client.post(
        reverse("orders:order_from_quote", args=[reviewed_quote.number]),
        _form(channel="", requested_date="2001-01-01", customer_reference="PO-9"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose the channel the order came through." in page
    assert "The requested date is in the past." in page
    assert 'value="PO-9"' in page
    assert not Order.objects.filter(quote=reviewed_quote).exists()


def test_an_expired_quote_is_converted_only_with_a_recorded_reason(
    client, service_user, reviewed_quote
):
    Order.objects.filter(pk=reviewed_quote.pk).update(
        valid_until=datetime.date(2020, 1, 31)
    )
    client.force_login(service_user)
    url = reverse("orders:order_from_quote", args=[reviewed_quote.number])
    page = client.get(url).content.decode()
    assert "data-expired-warning" in page
    response = client.post(url, _form())
    assert response.status_code == 200
    assert "Say why the expired quote is used, or renew it." in (
        response.content.decode()
    )
    assert not Order.objects.filter(quote=reviewed_quote).exists()
    with pytest.raises(ValidationError, match="expired on 2020-01-31"):
        quotes.order_from_quote(
            user=service_user, quote=reviewed_quote, channel=Channel.EMAIL
        )
    client.post(url, _form(expired_note="Customer holds us to the old price."))
    order = Order.objects.get(quote=reviewed_quote)
    assert order.quote_note == "Customer holds us to the old price."


def test_the_new_order_page_takes_a_quote_number_to_make_the_order_from(
    client, service_user, reviewed_quote
):
    client.force_login(service_user)
    new = reverse("orders:order_new")
    page = client.get(new)
    assert "For one of our quotes?" in page.content.decode()
    found = client.get(new, {"quote": f"  {reviewed_quote.number.lower()} "})
    assert found.status_code == 302
    assert found["Location"] == reverse(
        "orders:order_from_quote", args=[reviewed_quote.number]
    )
    missing = client.get(new, {"quote": "QU-<b>1</b>"})
    assert missing.status_code == 200
    text = missing.content.decode()
    assert "There is no quote QU-&lt;B&gt;1&lt;/B&gt;" in text
    assert 'value="QU-&lt;b&gt;1&lt;/b&gt;"' in text
    order = factories.OrderFactory()
    refused = client.get(new, {"quote": order.number})
    assert f"{order.number} is an order, not a quote." in refused.content.decode()
    # The quote page itself has no such field.
    assert (
        "For one of our quotes?"
        not in client.get(reverse("orders:quote_new")).content.decode()
    )
