"""API fixtures: a token per role, and clients that send it."""

import pytest
from django.test import Client

from api import services
from tests.changes.conftest import accepted_order, change_version, planner, team
from tests.intake.conftest import COMPLETE, customer, intake_version

__all__ = [
    "COMPLETE",
    "accepted_order",
    "change_version",
    "customer",
    "intake_version",
    "planner",
    "team",
]


@pytest.fixture(autouse=True)
def _generous_api_rate_limit(settings):
    # The rate-limit tests lower it; the others make many requests with one token.
    settings.API_RATE_LIMIT = "100000/minute"


def token_client(user) -> Client:
    """A client that calls the API with a fresh token of user's (no session)."""
    _token, key = services.api_token_create(user=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {key}"})


@pytest.fixture
def service_api(service_user) -> Client:
    return token_client(service_user)


@pytest.fixture
def auditor_api(auditor) -> Client:
    return token_client(auditor)


@pytest.fixture
def reviewer_api(reviewer) -> Client:
    return token_client(reviewer)


@pytest.fixture
def form_admin_api(form_admin) -> Client:
    return token_client(form_admin)


def is_problem(response, status: int, slug: str) -> bool:
    """An RFC 9457 problem of this status and type."""
    body = response.json()
    return (
        response.status_code == status
        and response["Content-Type"] == "application/problem+json"
        and body["type"] == f"urn:orderreview:problem:{slug}"
        and body["status"] == status
        and bool(body["title"])
        and bool(body["detail"])
    )
