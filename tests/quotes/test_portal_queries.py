"""The quote's link page and the customer's quote page run the same number of SQL
queries however many links and acceptances there are (pinned, each query named)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requirements import quote_portal

pytestmark = pytest.mark.django_db


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_link_page_has_a_constant_number_of_queries(
    client, reviewed_quote, service_user
):
    client.force_login(service_user)
    url = reverse("orders:quote_link", args=[reviewed_quote.number])
    links = [quote_portal.quote_link_create(quote=reviewed_quote, user=service_user)[0]]
    few = _count(client, url)
    for _ in range(5):
        link, _token = quote_portal.quote_link_create(
            quote=reviewed_quote, user=service_user
        )
        links.append(link)
    quote_portal.quote_link_revoke(link=links[0], user=service_user)
    quote_portal.quote_customer_accept(link=links[1], revision_number=1, name="Jo")
    # Session, user, groups; the quote with customer, form and people; its links
    # with creator and revoker; its acceptances with revision and link.
    assert few == _count(client, url) == 6


def _page_queries(client, url: str) -> int:
    """The page's own queries: the rate limit's cache (its culls, inserts or
    updates, by the clock) and savepoints are left out."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(
        1
        for query in queries.captured_queries
        if "orderreview_cache" not in query["sql"]
        and not query["sql"].startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))
    )


def test_the_customers_quote_page_has_a_constant_number_of_queries(
    client, reviewed_quote, service_user
):
    link, token = quote_portal.quote_link_create(
        quote=reviewed_quote, user=service_user
    )
    url = reverse("orders:quote_portal", args=[token])
    few = _page_queries(client, url)
    quote_portal.quote_customer_accept(link=link, revision_number=1, name="Jo")
    # The link with quote and customer; the reviewed revision; the form version
    # (the value); the requirements; the refusal: the reviewed revision again and
    # any acceptance of it.
    assert few == _page_queries(client, url) == 6
