"""Errors are RFC 9457 problem details; bad input is a 400 naming every field at
once, never a 500."""

import pytest
from django.test import Client

from orders.models import Customer
from tests.api.conftest import is_problem
from tests.factories import CustomerFactory

CUSTOMERS = "/api/v1/customers/"


def post_json(client: Client, url: str, body: str) -> object:
    return client.post(url, body, content_type="application/json")


def test_every_invalid_field_is_named_in_one_response(service_api):
    response = post_json(service_api, CUSTOMERS, '{"email": "not-an-address"}')
    assert is_problem(response, 400, "validation-error")
    errors = response.json()["errors"]
    assert set(errors) == {"name", "account_code", "email"}
    assert all(isinstance(m, str) for messages in errors.values() for m in messages)
    assert not Customer.objects.exists()


def test_a_services_refusal_is_a_field_error(service_api):
    CustomerFactory(account_code="ACME")
    response = post_json(
        service_api, CUSTOMERS, '{"name": "B", "account_code": "ACME"}'
    )
    assert is_problem(response, 400, "validation-error")
    assert "account_code" in response.json()["errors"]


@pytest.mark.parametrize(
    "body",
    ['{"name": ', "[1, 2]", '"text"', "null", '{"name": "A", "colour": "red"}'],
)
def test_a_malformed_body_is_a_400_problem(service_api, body):
    response = post_json(service_api, CUSTOMERS, body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert not Customer.objects.exists()


def test_an_unknown_field_is_named(service_api):
    response = post_json(service_api, CUSTOMERS, '{"name": "A", "colour": "red"}')
    assert response.json()["errors"] == {"colour": ["There is no such field."]}


def test_text_with_a_nul_character_is_refused_not_a_500(service_api):
    response = post_json(
        service_api, CUSTOMERS, '{"name": "A\\u0000", "account_code": "X"}'
    )
    assert is_problem(response, 400, "validation-error")
    assert "name" in response.json()["errors"]


def test_a_form_encoded_body_is_refused_as_unsupported(service_api):
    response = service_api.post(CUSTOMERS, {"name": "A", "account_code": "X"})
    assert is_problem(response, 415, "unsupported-media-type")


def test_an_invalid_filter_is_a_400_naming_it(service_api):
    response = service_api.get(
        "/api/v1/orders/", {"status": "lost", "date_from": "yesterday"}
    )
    assert is_problem(response, 400, "validation-error")
    assert set(response.json()["errors"]) == {"status", "date_from"}


def test_an_unknown_object_is_a_404_problem(service_api):
    assert is_problem(service_api.get(f"{CUSTOMERS}999999/"), 404, "not-found")
    assert is_problem(service_api.get("/api/v1/orders/SO-1/"), 404, "not-found")
    huge = f"{CUSTOMERS}{10**30}/"
    assert is_problem(service_api.get(huge), 404, "not-found")


def test_a_wrong_method_is_a_405_problem(service_api):
    response = service_api.delete(CUSTOMERS)
    assert is_problem(response, 405, "method-not-allowed")


def test_a_garbled_page_token_gives_the_first_page(service_api):
    CustomerFactory()
    response = service_api.get(CUSTOMERS, {"after": "%%%not-base64"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def test_json_nested_deeper_than_python_follows_is_a_400_problem(service_api):
    body = '{"a":' * 5000 + "1" + "}" * 5000
    response = post_json(service_api, CUSTOMERS, body)
    assert is_problem(response, 400, "malformed-request")
    assert not Customer.objects.exists()


def test_a_line_break_in_a_customer_name_is_refused_beside_it(service_api):
    response = post_json(
        service_api,
        CUSTOMERS,
        '{"name": "ACME\\nBcc: evil@example.com", "account_code": "X"}',
    )
    assert is_problem(response, 400, "validation-error")
    assert response.json()["errors"]["name"] == [
        "One line only: remove the line break."
    ]
    assert not Customer.objects.exists()


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_an_unknown_api_url_is_a_problem_for_every_method(service_api, method):
    response = getattr(service_api, method)("/api/v1/no-such-thing/")
    assert is_problem(response, 404, "not-found")
    assert "/api/v1/docs/" in response.json()["detail"]


def test_a_missing_final_slash_names_the_url_meant_and_never_redirects(service_api):
    response = service_api.post(
        "/api/v1/customers", {"name": "X"}, content_type="application/json"
    )
    assert is_problem(response, 404, "not-found")
    assert "Did you mean /api/v1/customers/ ?" in response.json()["detail"]
