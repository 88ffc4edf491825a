"""Entering orders through the API: checked by the web's own forms, every error
per field in one response, nothing created on a refusal; submitting a draft."""

import datetime

from django.test import Client
from django.utils import timezone

from orders.models import Customer, Order
from requirements import services as req_services
from tests.api.conftest import COMPLETE, is_problem

ORDERS = "/api/v1/orders/"


def post_json(client: Client, url: str, data: object) -> object:
    return client.post(url, data, content_type="application/json")


def header(customer, **extra) -> dict:
    return {
        "customer": customer.pk,
        "form": "machined-parts",
        "channel": "email",
        "customer_reference": "PO-77",
        "documented_statement": True,
        **extra,
    }


def test_a_draft_is_entered_with_its_answers(
    service_api, service_user, intake_version, customer
):
    response = post_json(
        service_api,
        ORDERS,
        {**header(customer), "answers": {"part_number": "AX-1", "quantity": 5}},
    )
    assert response.status_code == 201
    body = response.json()
    order = Order.objects.get(number=body["number"])
    assert response["Location"] == f"{ORDERS}{order.number}/"
    assert order.status == Order.Status.DRAFT and order.customer == customer
    assert order.entered_by == service_user
    assert order.revisions.get().answers == {"part_number": "AX-1", "quantity": 5}
    assert order.history.earliest("history_date").history_user == service_user
    assert body["revisions"][0]["state"] == "draft"


def test_submit_true_enters_and_submits_at_once(service_api, intake_version, customer):
    response = post_json(
        service_api, ORDERS, {**header(customer), "answers": COMPLETE, "submit": True}
    )
    assert response.status_code == 201
    order = Order.objects.get(number=response.json()["number"])
    assert order.status == Order.Status.AWAITING_REVIEW


def test_every_error_of_header_and_answers_comes_in_one_response(
    service_api, intake_version, customer
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = post_json(
        service_api,
        ORDERS,
        {
            **header(customer, channel="pigeon", requested_date=yesterday.isoformat()),
            "answers": {"quantity": 0, "needs_certificate": "yes", "colour": "red"},
            "submit": True,
        },
    )
    assert is_problem(response, 400, "validation-error")
    errors = response.json()["errors"]
    assert {
        "channel",
        "requested_date",
        "answers.quantity",
        "answers.part_number",
        "answers.certificate_type",
        "answers.colour",
    } <= set(errors)
    assert "past" in errors["requested_date"][0]
    assert not Order.objects.exists()


def test_a_hidden_question_is_not_required(service_api, intake_version, customer):
    answers = {**COMPLETE, "needs_certificate": "no"}
    answers.pop("certificate_type", None)
    response = post_json(
        service_api, ORDERS, {**header(customer), "answers": answers, "submit": True}
    )
    assert response.status_code == 201


def test_a_new_customer_is_created_with_the_order(service_api, intake_version):
    body = {
        "new_customer_name": "Newco",
        "new_customer_account_code": "NEWCO",
        "form": "machined-parts",
        "channel": "phone",
        "documented_statement": False,
    }
    response = post_json(service_api, ORDERS, body)
    assert response.status_code == 201
    assert Customer.objects.get(account_code="NEWCO").name == "Newco"


def test_wrong_shapes_are_refused_per_field(service_api, intake_version, customer):
    for body, field in (
        ({**header(customer), "channel": ["email"]}, "channel"),
        ({**header(customer), "answers": ["x"]}, "answers"),
        ({**header(customer), "submit": "yes"}, "submit"),
        ({**header(customer), "form": "no-such-form"}, "form"),
    ):
        response = post_json(service_api, ORDERS, body)
        assert is_problem(response, 400, "validation-error"), body
        assert field in response.json()["errors"], body
    assert not Order.objects.exists()


def test_only_customer_service_enters_orders(
    reviewer_api, auditor_api, intake_version, customer
):
    for client in (reviewer_api, auditor_api):
        response = post_json(client, ORDERS, header(customer))
        assert is_problem(response, 403, "permission-denied")
    assert not Order.objects.exists()


def test_a_complete_draft_is_submitted(
    service_api, service_user, intake_version, customer
):
    revision = req_services.intake_start(
        user=service_user,
        form_version=intake_version,
        channel="email",
        customer=customer,
        documented_statement=True,
        answers=COMPLETE,
    )
    url = f"{ORDERS}{revision.order.number}/submit/"
    response = service_api.post(url)
    assert response.status_code == 200
    assert response.json()["status"] == Order.Status.AWAITING_REVIEW
    again = service_api.post(url)
    assert is_problem(again, 409, "conflict")


def test_an_incomplete_draft_is_refused_naming_each_question(
    service_api, service_user, intake_version, customer
):
    revision = req_services.intake_start(
        user=service_user,
        form_version=intake_version,
        channel="email",
        customer=customer,
        documented_statement=True,
        answers={"part_number": "AX-1"},
    )
    response = service_api.post(f"{ORDERS}{revision.order.number}/submit/")
    assert is_problem(response, 400, "validation-error")
    assert {"answers.quantity", "answers.needs_certificate"} <= set(
        response.json()["errors"]
    )
    revision.order.refresh_from_db()
    assert revision.order.status == Order.Status.DRAFT
