"""The draft, file and change-order writes under schemathesis: generated bodies
(JSON and multipart) sent to real drafts and change orders, each in a rolled-back
savepoint -- no 500, no answer outside the schema. A line's file upload is sent to
a real line (L2) of a draft, and of a change order, on a form whose lines ask for
a drawing."""

import pytest
import schemathesis
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import services
from orders.models import Channel
from requirements import change_orders
from requirements import services as req_services
from requirements.models import RequirementSet
from tests.api.conftest import COMPLETE
from tests.api.test_schema import SCHEMA_URL, wsgi_app  # noqa: F401 (fixture)
from tests.hardening.conftest import submitted
from tests.lines.conftest import file_lines_draft, file_lines_version, media, pdf

__all__ = ["file_lines_draft", "file_lines_version", "media"]

WRITES = {
    ("PATCH", "/api/v1/orders/{number}/"): "draft",
    ("POST", "/api/v1/orders/{number}/files/{key}/"): "draft",
    ("POST", "/api/v1/orders/{number}/lines/{line}/files/{key}/"): "line_draft",
    ("POST", "/api/v1/orders/{number}/change-orders/"): "changeable",
    ("PATCH", "/api/v1/orders/{number}/change-orders/{revision}/"): "change",
    ("POST", "/api/v1/orders/{number}/change-orders/{revision}/submit/"): "change",
    ("DELETE", "/api/v1/orders/{number}/change-orders/{revision}/"): "change",
    ("POST", "/api/v1/orders/{number}/change-orders/{revision}/files/{key}/"): (
        "change"
    ),
    (
        "POST",
        "/api/v1/orders/{number}/change-orders/{revision}/lines/{line}/files/{key}/",
    ): "line_change",
}
# Fuzzed at a real line of a real draft: a valid file there is kept (checked
# below, so a generated case's 4xx is the body's doing, not a missing line's).
LINE_UPLOADS = ("line_draft", "line_change")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _line_change(version, customer, service_user) -> RequirementSet:
    """A change order of an order in review whose lines L1 and L2 it copied."""
    intake = req_services.intake_start(
        user=service_user,
        form_version=version,
        channel=Channel.EMAIL,
        customer=customer,
        documented_statement=True,
        answers={
            "@lines": {
                "Lines": [
                    {"line": "new-1", "answers": {"part": "AB-1"}},
                    {"line": "new-2", "answers": {"part": "AB-2"}},
                ]
            }
        },
    )
    req_services.revision_submit(revision=intake, user=service_user)
    return change_orders.change_order_start(
        order=intake.order,
        user=service_user,
        reason="Another drawing",
        channel=Channel.EMAIL,
        requested_by="Buyer",
    )


@pytest.fixture
def write_world(
    db, intake_version, customer, service_user, file_lines_draft, file_lines_version
) -> dict:
    draft = req_services.intake_start(
        user=service_user,
        form_version=intake_version,
        channel=Channel.EMAIL,
        customer=customer,
        documented_statement=True,
        answers=COMPLETE,
    )
    in_review = submitted(intake_version, customer, service_user)
    change = change_orders.change_order_start(
        order=in_review,
        user=service_user,
        reason="More",
        channel=Channel.EMAIL,
        requested_by="Buyer",
    )
    changeable = submitted(intake_version, customer, service_user)
    line_change = _line_change(file_lines_version, customer, service_user)
    _token, key = services.api_token_create(user=service_user, name="schemathesis")
    return {
        "auth": f"Bearer {key}",
        "draft": {"number": draft.order.number, "key": "drawing"},
        "line_draft": {
            "number": file_lines_draft.order.number,
            "line": "L2",
            "key": "drawing",
        },
        "line_change": {
            "number": line_change.order.number,
            "revision": line_change.number,
            "line": "L2",
            "key": "drawing",
        },
        "changeable": {"number": changeable.number},
        "change": {
            "number": in_review.number,
            "revision": change.number,
            "key": "drawing",
        },
    }


def _run(operation: object, path: dict, auth: str) -> None:
    """Bounded, reproducible examples of one operation on the object at path."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def answers_within_schema(case: schemathesis.Case) -> None:
        case.path_parameters = {**case.path_parameters, **path}
        with transaction.atomic():
            case.call_and_validate(headers={"Authorization": auth}, checks=CHECKS)
            transaction.set_rollback(True)

    answers_within_schema()


def _valid_upload_status(path: str, parameters: dict, auth: str) -> int:
    """What a valid file sent to the URL answers, rolled back."""
    with transaction.atomic():
        response = Client(headers={"Authorization": auth}).post(
            path.format(**parameters), {"file": pdf()}
        )
        transaction.set_rollback(True)
    return response.status_code


def test_the_draft_and_change_order_writes_answer_within_their_schema(
    write_world,
    wsgi_app,  # noqa: F811
):
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app)
    operations = {
        (op.method.upper(), op.path): op
        for op in (result.ok() for result in schema.get_all_operations())
    }
    assert set(WRITES) <= set(operations)
    for key, world_key in WRITES.items():
        _run(operations[key], write_world[world_key], write_world["auth"])


def test_the_line_uploads_are_fuzzed_at_real_lines(write_world):
    # Apart from the run above: Django's test client reconnects
    # close_old_connections, which its in-process WSGI calls must not run.
    for (_method, path), world_key in WRITES.items():
        if world_key in LINE_UPLOADS:
            parameters = write_world[world_key]
            assert _valid_upload_status(path, parameters, write_world["auth"]) == 200
