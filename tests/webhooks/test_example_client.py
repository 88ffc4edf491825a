"""docs/example_client.py against a live server: it creates a customer, reads a
form's questions, submits an order; the webhook our worker then sends to a local
receiver passes the example's signature check (and a tampered one does not)."""

import importlib.util
import time
from pathlib import Path

import pytest

from api import services as api_services
from orders.models import Order
from tests.webhooks.conftest import endpoint_for
from webhooks.models import EventType
from webhooks.sweep import webhooks_sweep

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "example_client.py"


@pytest.fixture
def example():
    spec = importlib.util.spec_from_file_location("example_client", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_client_submits_an_order_and_verifies_its_webhook(
    example, live_server, intake_version, service_user, integrations_admin, receiver
):
    endpoint = endpoint_for(
        integrations_admin, receiver.url, events=[EventType.ORDER_SUBMITTED]
    )
    _token, key = api_services.api_token_create(user=service_user, name="example")

    result = example.main(live_server.url, key)

    order = Order.objects.select_related("customer").get(number=result["number"])
    assert order.customer.name == "Example Customer Ltd"
    assert order.status == Order.Status.AWAITING_REVIEW
    assert order.entered_by == service_user
    assert "1 delivered" in webhooks_sweep()
    request = receiver.requests[0]
    assert request.json()["data"]["order"]["number"] == order.number
    header = request.headers["OrderReview-Signature"]
    assert example.webhook_signature_valid(endpoint.secret, header, request.body)
    assert not example.webhook_signature_valid(
        endpoint.secret, header, request.body.replace(b"}", b" }", 1)
    )
    assert not example.webhook_signature_valid("whsec_other", header, request.body)
    later = time.time() + 301
    assert not example.webhook_signature_valid(
        endpoint.secret, header, request.body, now=later
    )


def test_the_example_client_reports_refusals_as_problem_details(
    example, live_server, service_user
):
    _token, key = api_services.api_token_create(user=service_user, name="example")
    client = example.OrderReviewClient(live_server.url, key)
    with pytest.raises(example.ApiError) as refused:
        client.customer_create("", "")
    assert refused.value.status == 400
    assert refused.value.problem["type"]
    missing = example.answers_missing(
        [
            {"key": "a", "required": True, "show_if": None},
            {
                "key": "b",
                "required": True,
                "show_if": {"question": "c", "values": ["yes"]},
            },
        ],
        {"c": False},
    )
    assert missing == ["a"]
