"""The OpenAPI schema: public, valid, and true to what the read endpoints answer
(a bounded schemathesis run with a token: no 500, no answer outside the schema)."""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import services
from communications import services as comm_services
from tests.hardening.conftest import submitted

SCHEMA_URL = "/api/v1/schema/?format=json"


def test_the_schema_is_public_and_valid_openapi(db, client):
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    document = json.loads(response.content)
    validate_schema(document)
    assert document["openapi"].startswith("3.")
    assert "/api/v1/orders/{number}/" in document["paths"]
    schemes = document["components"]["securitySchemes"]
    assert schemes["apiToken"] == {**schemes["apiToken"], "scheme": "bearer"}


def test_the_docs_page_is_served_from_our_own_files(db, client):
    page = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "https://" not in page and "http://" not in page
    assert "<style" not in page


@pytest.fixture
def api_world(db, intake_version, customer, service_user, settings, tmp_path):
    """Rows behind every read endpoint, and customer service's token."""
    settings.MEDIA_ROOT = tmp_path / "media"
    submitted(intake_version, customer, service_user)
    comm_services.communication_record(
        customer=customer,
        direction="in",
        channel="email",
        kind="complaint",
        subject="Scratched parts",
        occurred_at=timezone.now(),
        recorded_by=service_user,
        attachment=SimpleUploadedFile("photos.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    _token, key = services.api_token_create(user=service_user, name="schemathesis")
    return f"Bearer {key}"


@pytest.fixture
def wsgi_app(settings):
    """The project's WSGI app, called in-process inside the test's transaction:
    like Django's test client, it must not close the connection after a request."""
    # The WSGI calls name the host schemathesis's way.
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(api_world, wsgi_app):
    loaded = schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app)
    return loaded.include(method="GET")


READ_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_the_read_endpoints_answer_within_their_schema(api_schema, api_world):
    """Each GET operation with generated parameters (bounded, reproducible)."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 16

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=30,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def answers_within_schema(case: schemathesis.Case) -> None:
            case.call_and_validate(
                headers={"Authorization": api_world}, checks=READ_CHECKS
            )

        answers_within_schema()


WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def test_the_write_endpoints_never_fail_and_answer_within_their_schema(
    api_world, wsgi_app
):
    """Each write operation with generated bodies, headers (Idempotency-Key) and
    path parameters: hostile or nonsense input is a problem the schema declares,
    never a 500 (bounded, reproducible)."""
    loaded = schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app)
    operations = [
        result.ok()
        for result in loaded.get_all_operations()
        if result.ok().method.upper() in WRITE_METHODS
    ]
    assert len(operations) >= 4

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def answers_within_schema(case: schemathesis.Case) -> None:
            case.call_and_validate(
                headers={"Authorization": api_world}, checks=READ_CHECKS
            )

        answers_within_schema()


def test_a_session_reads_the_api_for_the_browser_docs(service_user):
    client = Client()
    client.force_login(service_user)
    assert client.get("/api/v1/customers/").status_code == 200
