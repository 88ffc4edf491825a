"""Every API list and detail runs the same number of SQL queries whatever it
shows: measured with few rows and with many, both equal to the pinned count."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import Customer, Order, OrderFormVersion
from tests import factories
from tests.api.conftest import token_client
from tests.hardening.conftest import submitted

FEW, MANY = 1, 12

# Every token request, 4 queries: the token with its user; its last use noted; the
# user's groups; the rate limit (one statement, api.throttling).
TOKEN_REQUEST = "token and user, last use, groups, rate limit"


@dataclass(frozen=True)
class Endpoint:
    url: Callable[[], str]
    queries: int
    why: str


def _intake_number() -> int:
    return OrderFormVersion.objects.get(
        form__slug="machined-parts", status="published"
    ).number


def _newest_order() -> Order:
    return Order.objects.order_by("-pk").first()


ENDPOINTS = {
    "customer list": Endpoint(
        lambda: "/api/v1/customers/", 5, f"{TOKEN_REQUEST}; one page"
    ),
    "customer detail": Endpoint(
        lambda: f"/api/v1/customers/{Customer.objects.order_by('-pk')[0].pk}/",
        5,
        f"{TOKEN_REQUEST}; the customer",
    ),
    "order form list": Endpoint(
        lambda: "/api/v1/order-forms/",
        6,
        f"{TOKEN_REQUEST}; one page of forms; their published versions",
    ),
    "order form version": Endpoint(
        lambda: f"/api/v1/order-forms/machined-parts/versions/{_intake_number()}/",
        6,
        f"{TOKEN_REQUEST}; the version with form and people; its questions with "
        "their disciplines",
    ),
    "order list": Endpoint(
        lambda: "/api/v1/orders/?sort=customer",
        5,
        f"{TOKEN_REQUEST}; one page of orders with customer and form",
    ),
    "order detail": Endpoint(
        lambda: f"/api/v1/orders/{_newest_order().number}/",
        7,
        f"{TOKEN_REQUEST}; the order with customer, form and people; its "
        "revisions with review, decision and people; their notifications",
    ),
}


def _rows(count: int, intake_version, customer, user) -> None:
    for _ in range(count):
        submitted(intake_version, customer, user)
        factories.CustomerFactory()
        factories.published_version(questions=2)


def _measure(client) -> dict[str, int]:
    counts = {}
    for name, endpoint in ENDPOINTS.items():
        url = endpoint.url()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, f"{name}: {url} -> {response.status_code}"
        counts[name] = len(captured)
    return counts


@pytest.mark.django_db
def test_no_endpoint_runs_more_queries_as_rows_grow(
    intake_version, customer, service_user
):
    client = token_client(service_user)
    _rows(FEW, intake_version, customer, service_user)
    few = _measure(client)
    _rows(MANY - FEW, intake_version, customer, service_user)
    many = _measure(client)
    table = {name: (few[name], many[name], ENDPOINTS[name].queries) for name in few}
    wrong = {
        name: f"{a} with few rows, {b} with many, pinned {c}"
        for name, (a, b, c) in table.items()
        if not a == b == c
    }
    assert wrong == {}, "\n".join(f"{k}: {v}" for k, v in wrong.items())
