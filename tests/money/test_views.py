"""Where an order's value shows: the builder's value setting page, the order list
(column and sort), the order page, the record and its PDF, the dashboard, the API."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from audit import dashboard
from orderreview.pagination import keyset_page
from orders.models import Order, OrderFormVersion
from orders.selectors import orders_filtered
from reviews.models import Review
from tests import factories
from tests.api.conftest import token_client
from tests.money.conftest import money_version, submitted

LIST = "/orders/"


def price(amount: str, currency: str = "EUR") -> dict:
    return {"amount": amount, "currency": currency}


@pytest.fixture
def valued_orders(price_version, service_user):
    """Three submitted orders: 2 × 10 EUR, 3 × 100 EUR, 1 × 5000 JPY; one draft."""
    orders = {}
    for name, quantity, amount in (
        ("small", "2", price("10")),
        ("large", "3", price("100")),
        ("yen", "1", price("5000", "JPY")),
    ):
        revision = submitted(
            price_version,
            service_user,
            {"part": name, "quantity": quantity, "unit_price": amount},
        )
        orders[name] = Order.objects.get(pk=revision.order_id)
    orders["unknown"] = factories.OrderFactory()
    return orders


def value_url(version: OrderFormVersion) -> str:
    return reverse("orderforms:version_value", args=[version.form.slug, version.number])


def test_form_admin_sets_the_value_of_a_draft(client, form_admin):
    version = money_version(publish=False)
    version.value_question = version.value_quantity_question = ""
    version.save()
    client.force_login(form_admin)
    page = client.get(value_url(version))
    assert page.status_code == 200
    assert "Unit price (unit_price)" in page.content.decode()
    response = client.post(
        value_url(version),
        {"value_question": "unit_price", "value_quantity_question": "quantity"},
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.value_quantity_question == "quantity"
    detail = client.get(response.url).content.decode()
    assert "quantity × unit_price" in detail


def test_value_page_refuses_a_question_of_another_kind_beside_the_field(
    client, form_admin
):
    version = money_version(publish=False)
    client.force_login(form_admin)
    response = client.post(
        value_url(version),
        {"value_question": "part<script>", "value_quantity_question": "unit_price"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "value_question" in form.errors
    assert "value_quantity_question" in form.errors
    assert "<script>" not in response.content.decode().split("<main")[-1].replace(
        "&lt;script&gt;", ""
    )


def test_value_page_of_a_published_version_sends_back(client, form_admin):
    version = money_version()
    client.force_login(form_admin)
    response = client.post(
        value_url(version), {"value_question": "", "value_quantity_question": ""}
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.value_question == "unit_price"


def test_value_page_is_for_form_admins_only(client, auditor):
    version = money_version(publish=False)
    client.force_login(auditor)
    assert client.get(value_url(version)).status_code == 403
    client.logout()
    assert client.get(value_url(version)).status_code == 302


def test_order_list_shows_and_sorts_by_value_per_currency(
    client, service_user, valued_orders
):
    client.force_login(service_user)
    page = client.get(LIST, {"sort": "value"})
    rows = [order.number for order in page.context["page"].rows]
    order = [valued_orders[name].number for name in ("yen", "large", "small")]
    assert [n for n in rows if n in order] == order
    assert rows.index(valued_orders["unknown"].number) > rows.index(order[-1])
    text = page.content.decode()
    assert "300.00 EUR" in text and "5,000 JPY" in text


def test_value_sort_pages_by_keyset_without_repeats(valued_orders):
    seen = []
    token = ""
    for _ in range(10):
        page = keyset_page(orders_filtered({"sort": "value"}), token=token, size=1)
        seen += [order.number for order in page.rows]
        if not page.has_next:
            break
        token = page.next_token
    assert len(seen) == len(set(seen)) == Order.objects.count()
    assert seen[:3] == [valued_orders[n].number for n in ("yen", "large", "small")]


def test_order_page_shows_the_value(client, service_user, valued_orders):
    client.force_login(service_user)
    order = valued_orders["large"]
    text = client.get(order.get_absolute_url()).content.decode()
    assert "300.00 EUR" in text


def test_record_and_pdf_show_the_value(client, service_user, valued_orders):
    client.force_login(service_user)
    order = valued_orders["large"]
    url = reverse("reviews:acceptance_record", args=[order.number, 1])
    assert "300.00 EUR" in client.get(url).content.decode()
    pdf = client.get(reverse("reviews:acceptance_record_pdf", args=[order.number, 1]))
    assert pdf.status_code == 200


def test_dashboard_adds_value_per_month_and_currency_never_across(valued_orders):
    cache.clear()
    figures = dashboard.dashboard(today=timezone.localdate())
    by_currency = {row.currency: row for row in figures.values}
    assert set(by_currency) == {"EUR", "JPY"}
    assert by_currency["EUR"].in_review == Decimal("320.00")
    assert by_currency["JPY"].in_review == Decimal("5000")
    assert by_currency["EUR"].accepted == Decimal(0)
    assert by_currency["JPY"].in_review_text == "5,000 JPY"


def test_dashboard_shows_the_value_table(client, approver, valued_orders):
    cache.clear()
    client.force_login(approver)
    text = client.get(reverse("home")).content.decode()
    assert 'data-testid="value-by-month"' in text
    assert "320.00 EUR" in text


def test_api_order_has_value_as_text_and_currency(service_user, valued_orders):
    api = token_client(service_user)
    order = valued_orders["large"]
    body = api.get(f"/api/v1/orders/{order.number}/").json()
    assert body["value"] == "300.00"
    assert body["value_currency"] == "EUR"
    unknown = api.get(f"/api/v1/orders/{valued_orders['unknown'].number}/").json()
    assert unknown["value"] is None and unknown["value_currency"] == ""


@pytest.fixture
def draft(price_version, service_user):
    from orders.models import Channel
    from requirements import services as req_services

    return req_services.intake_start(
        user=service_user,
        form_version=price_version,
        channel=Channel.PHONE,
        customer=factories.CustomerFactory(),
        documented_statement=True,
        answers={"part": "P-1", "quantity": 2},
    )


def test_api_draft_takes_an_amount_object(service_user, draft):
    api = token_client(service_user)
    url = f"/api/v1/orders/{draft.order.number}/"
    response = api.patch(
        url,
        {"answers": {"unit_price": price("12.5", "USD")}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    draft.refresh_from_db()
    assert draft.answers["unit_price"] == {"amount": "12.50", "currency": "USD"}


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ("12.50", '{"amount": "1234.50", "currency": "EUR"}'),
        ({"amount": 12.5, "currency": "EUR"}, "a JSON number may lose digits"),
        ({"amount": "12.505", "currency": "EUR"}, "EUR amounts have at most 2"),
        ({"amount": "12", "currency": "GBP"}, "EUR, USD, JPY only"),
    ],
)
def test_api_draft_refuses_a_bad_amount_saying_why(service_user, draft, sent, message):
    api = token_client(service_user)
    url = f"/api/v1/orders/{draft.order.number}/"
    response = api.patch(
        url, {"answers": {"unit_price": sent}}, content_type="application/json"
    )
    assert response.status_code == 400
    assert message in response.json()["errors"]["answers.unit_price"][0]
    draft.refresh_from_db()
    assert "unit_price" not in draft.answers


def test_review_exists_for_valued_orders(valued_orders):
    assert Review.objects.filter(order=valued_orders["large"]).exists()
