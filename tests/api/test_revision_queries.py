"""The revision, diff, review and record endpoints run the same number of SQL
queries however many revisions, requirements, assessments and signatures the order
has: measured on an order with one change order and on one with many, each change
adding requirements (and so assessments) and a signed decision."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import Discipline, Order
from requirements import change_orders
from requirements import services as req_services
from tests.api.conftest import token_client
from tests.api.test_queries import TOKEN_REQUEST
from tests.changes.conftest import (
    accepted_order,
    assess_all,
    change_version,
    planner,
    sign,
    team,
)

__all__ = ["accepted_order", "change_version", "planner", "team"]

FEW, MANY = 1, 6


@dataclass(frozen=True)
class Endpoint:
    path: Callable[[Order, int], str]
    queries: int
    why: str


REVISIONS = "the revisions with people, review, decision, confirmation"
REVIEW = (
    "the review with order, revision and decision; its assessments, statutory "
    "checks, requirements and signatures"
)
ENDPOINTS = {
    "revision list": Endpoint(
        lambda o, n: f"/api/v1/orders/{o.number}/revisions/",
        7,
        f"{TOKEN_REQUEST}; the order; {REVISIONS}; their notifications",
    ),
    "revision detail": Endpoint(
        lambda o, n: f"/api/v1/orders/{o.number}/revisions/{n}/",
        9,
        f"{TOKEN_REQUEST}; the order; {REVISIONS}; their notifications; the "
        "revision's requirements with discipline and question; the disposal",
    ),
    "diff": Endpoint(
        lambda o, n: f"/api/v1/orders/{o.number}/diff/",
        10,
        f"{TOKEN_REQUEST}; the order; {REVISIONS}; their notifications; the "
        "baseline; the requirements of each side",
    ),
    "review": Endpoint(
        lambda o, n: f"/api/v1/orders/{o.number}/revisions/{n}/review/",
        9,
        f"{TOKEN_REQUEST}; {REVIEW}",
    ),
    "record": Endpoint(
        lambda o, n: f"/api/v1/orders/{o.number}/revisions/{n}/record/",
        12,
        f"{TOKEN_REQUEST}; {REVIEW}; the signatures' predecessors; the chain's "
        "first signature; who was told of the change",
    ),
    "record pdf": Endpoint(
        lambda o, n: f"/api/v1/orders/{o.number}/revisions/{n}/record/pdf/",
        13,
        f"{TOKEN_REQUEST}; as the record; the chain head printed on it",
    ),
}


def _changes(order: Order, count: int, user, team: dict, approver) -> None:
    """count change orders, each adding two requirements, assessed and accepted."""
    disciplines = sorted(team)
    for index in range(count):
        draft = change_orders.change_order_start(
            order=order,
            user=user,
            reason=f"Change {index}",
            channel="email",
            requested_by="Jo Buyer",
        )
        for extra in range(2):
            req_services.requirement_add(
                revision=draft,
                user=user,
                statement=f"Extra {index}.{extra}",
                category="stated",
                discipline=Discipline.objects.get(pk=disciplines[extra]),
            )
        revision = req_services.revision_submit(revision=draft, user=user)
        assess_all(revision.review, team)
        sign(revision.review, approver)


def _measure(client, order: Order) -> dict[str, int]:
    newest = order.revisions.order_by("-number").first().number
    counts = {}
    for name, endpoint in ENDPOINTS.items():
        url = endpoint.path(order, newest)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, f"{name}: {url} -> {response.status_code}"
        counts[name] = len(captured)
    return counts


@pytest.mark.django_db
def test_revision_endpoints_run_no_more_queries_as_an_order_grows(
    accepted_order, service_user, team, approver, reviewer
):
    client = token_client(reviewer)
    _changes(accepted_order, FEW, service_user, team, approver)
    few = _measure(client, accepted_order)
    _changes(accepted_order, MANY - FEW, service_user, team, approver)
    many = _measure(client, accepted_order)
    table = {name: (few[name], many[name], ENDPOINTS[name].queries) for name in few}
    wrong = {
        name: f"{a} with few rows, {b} with many, pinned {c}"
        for name, (a, b, c) in table.items()
        if not a == b == c
    }
    assert wrong == {}, "\n".join(f"{k}: {v}" for k, v in wrong.items())
