"""Quotes in the API: the list filters them, an order names the quote it was made
from."""

import pytest

from orders.models import Channel
from requirements import quotes
from tests.api.conftest import auditor_api  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
ORDERS = "/api/v1/orders/"


def test_quotes_are_listed_apart_and_an_order_names_its_quote(
    auditor_api,  # noqa: F811
    reviewed_quote,
    service_user,
):
    draft = quotes.order_from_quote(
        user=service_user, quote=reviewed_quote, channel=Channel.EMAIL
    )
    listed = auditor_api.get(ORDERS, {"kind": "quote"}).json()["results"]
    assert [row["number"] for row in listed] == [reviewed_quote.number]
    assert listed[0]["kind"] == "quote"
    assert listed[0]["valid_until"] == reviewed_quote.valid_until.isoformat()
    orders = auditor_api.get(ORDERS, {"kind": "order"}).json()["results"]
    assert [row["number"] for row in orders] == [draft.order.number]
    detail = auditor_api.get(f"{ORDERS}{draft.order.number}/").json()
    assert detail["kind"] == "order" and detail["quote"] == reviewed_quote.number
    quote = auditor_api.get(f"{ORDERS}{reviewed_quote.number}/").json()
    assert quote["quote"] is None
    refused = auditor_api.get(ORDERS, {"kind": "tender"})
    assert refused.status_code == 400
