"""Keyset pages visit every row exactly once, in the list's order, for every sort."""

import datetime as dt

import pytest

from communications.selectors import communications_filtered
from orderreview.pagination import keyset_page
from orders.selectors import ORDER_SORTS, customers_search, orders_filtered
from tests import factories


def _walk(queryset, size: int) -> list:
    seen, token = [], ""
    for _ in range(100):
        page = keyset_page(queryset, token=token, size=size)
        seen += [row.pk for row in page.rows]
        if not page.has_next:
            return seen
        token = page.next_token
    raise AssertionError("pages never ended")


@pytest.fixture
def orders(db):
    customers = [factories.CustomerFactory(name=n) for n in ("Beta", "Alpha", "Beta")]
    day = dt.date(2026, 3, 1)
    made = []
    for index in range(13):
        made.append(
            factories.OrderFactory(
                customer=customers[index % 3],
                # Ties and NULLs on purpose: the hard cases for a keyset.
                requested_date=None
                if index % 4 == 0
                else day + dt.timedelta(index % 3),
                status=["draft", "accepted"][index % 2],
            )
        )
    return made


@pytest.mark.parametrize("sort", list(ORDER_SORTS))
def test_every_order_sort_pages_through_every_row_once(orders, sort):
    queryset = orders_filtered({"sort": sort})
    assert _walk(queryset, size=4) == [order.pk for order in queryset]


def test_customers_and_communications_page_the_same_way(orders):
    factories.CommunicationFactory.create_batch(7, customer=orders[0].customer)
    for queryset in (customers_search(""), communications_filtered({})):
        assert _walk(queryset, size=2) == [row.pk for row in queryset]


@pytest.mark.parametrize("token", ["garbage", "W10", "WyJ4Il0", "eyJhIjoxfQ", "%%%"])
def test_a_token_that_does_not_parse_gives_the_first_page(orders, token):
    page = keyset_page(orders_filtered({}), token=token, size=4)
    assert [o.pk for o in page.rows] == [o.pk for o in orders_filtered({})[:4]]
    assert not page.has_previous
