"""The revision, diff, review and record endpoints answer real orders within their
schema: the schemathesis run of test_schema.py mostly meets 404s on guessed order
numbers, so here each is called on an accepted order with a change in review."""

import pytest
import schemathesis

from api import services
from tests.api.test_schema import READ_CHECKS, SCHEMA_URL, wsgi_app
from tests.changes.conftest import (
    accepted_order,
    change_version,
    planner,
    raise_change,
    team,
)

__all__ = ["accepted_order", "change_version", "planner", "team", "wsgi_app"]

ORDER = "/api/v1/orders/{number}/"
CALLS = (
    ("revisions/", {}, {}),
    ("revisions/{revision}/", {"revision": 1}, {}),
    ("revisions/{revision}/", {"revision": 2}, {}),
    ("diff/", {}, {}),
    ("diff/", {}, {"from": 1, "to": 2}),
    ("revisions/{revision}/review/", {"revision": 1}, {}),
    ("revisions/{revision}/review/", {"revision": 2}, {}),
    ("revisions/{revision}/record/", {"revision": 1}, {}),
    ("revisions/{revision}/record/", {"revision": 2}, {}),
    ("revisions/{revision}/record/pdf/", {"revision": 1}, {}),
)


@pytest.mark.django_db
def test_real_revisions_reviews_and_records_answer_within_the_schema(
    wsgi_app, accepted_order, service_user, reviewer
):
    raise_change(accepted_order, service_user, {"quantity": 400, "finish": None})
    _token, key = services.api_token_create(user=reviewer, name="schema")
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app)
    for path, parameters, query in CALLS:
        operation = schema[ORDER + path]["GET"]
        case = operation.Case(
            path_parameters={"number": accepted_order.number, **parameters},
            query=query,
        )
        response = case.call_and_validate(
            headers={"Authorization": f"Bearer {key}"}, checks=READ_CHECKS
        )
        assert response.status_code == 200, (path, parameters, response.text[:300])
