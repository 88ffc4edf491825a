"""Updating a draft order through the API (PATCH /api/v1/orders/<number>/): partial
header and answers, checked like the draft page, every error at once, nothing kept
on a refusal; 409 once it is no longer a draft; customer service only."""

import pytest
from django.test import Client

from orders.models import Channel, Customer, Order
from requirements import services as req_services
from tests import factories
from tests.api.conftest import COMPLETE, is_problem


def patch_json(client: Client, url: str, data: object) -> object:
    return client.patch(url, data, content_type="application/json")


def url(revision) -> str:
    return f"/api/v1/orders/{revision.order.number}/"


@pytest.fixture
def draft(intake_version, customer, service_user):
    return req_services.intake_start(
        user=service_user,
        form_version=intake_version,
        channel=Channel.PHONE,
        customer=customer,
        documented_statement=False,
        answers={"part_number": "AX-1", "quantity": 5, "notes": "Deburr"},
    )


def stored(draft) -> dict:
    draft.refresh_from_db()
    return draft.answers


def test_sent_answers_merge_into_the_draft_and_null_removes_one(
    service_api, service_user, draft
):
    response = patch_json(
        service_api,
        url(draft),
        {"answers": {"quantity": "12", "needs_certificate": True, "notes": None}},
    )
    assert response.status_code == 200
    assert response.json()["number"] == draft.order.number
    assert stored(draft) == {
        "part_number": "AX-1",
        "quantity": 12,
        "needs_certificate": True,
    }
    assert draft.history.latest("history_date").history_user == service_user


def test_header_fields_change_alone_and_answers_stay(service_api, draft):
    other = factories.CustomerFactory(name="Other Ltd", account_code="OTH")
    response = patch_json(
        service_api,
        url(draft),
        {"customer": other.pk, "channel": "email", "documented_statement": True},
    )
    assert response.status_code == 200
    order = Order.objects.get(pk=draft.order_id)
    assert (order.customer, order.channel, order.documented_statement) == (
        other,
        "email",
        True,
    )
    assert order.customer_reference == ""
    assert stored(draft)["quantity"] == 5


def test_a_new_customer_replaces_the_chosen_one(service_api, draft):
    body = {
        "customer": None,
        "new_customer_name": "Newco",
        "new_customer_account_code": "NEWCO",
    }
    assert patch_json(service_api, url(draft), body).status_code == 200
    assert Order.objects.get(pk=draft.order_id).customer.account_code == "NEWCO"


def test_every_error_of_header_and_answers_comes_at_once_and_nothing_is_kept(
    service_api, draft
):
    before = stored(draft)
    response = patch_json(
        service_api,
        url(draft),
        {
            "channel": "pigeon",
            "answers": {"quantity": 0, "colour": "red", "part_number": {"a": 1}},
        },
    )
    assert is_problem(response, 400, "validation-error")
    errors = response.json()["errors"]
    assert set(errors) == {
        "channel",
        "answers.quantity",
        "answers.colour",
        "answers.part_number",
    }
    assert stored(draft) == before
    assert Order.objects.get(pk=draft.order_id).channel == Channel.PHONE


def test_submit_true_saves_and_submits_when_complete(service_api, draft):
    response = patch_json(
        service_api,
        url(draft),
        {"answers": {**COMPLETE, "notes": None}, "submit": True},
    )
    assert response.status_code == 200
    assert response.json()["status"] == Order.Status.AWAITING_REVIEW


def test_submit_true_names_each_missing_question_and_keeps_the_draft(
    service_api, draft
):
    response = patch_json(service_api, url(draft), {"submit": True})
    assert is_problem(response, 400, "validation-error")
    assert "answers.needs_certificate" in response.json()["errors"]
    assert Order.objects.get(pk=draft.order_id).status == Order.Status.DRAFT


def test_a_header_fact_an_answer_supplies_is_refused_naming_the_question(
    service_api, intake_version, customer, service_user
):
    version = factories.OrderFormVersionFactory(
        form=factories.OrderFormFactory(name="Mapped", slug="mapped")
    )
    factories.QuestionFactory(
        version=version, key="po", label="Your PO", maps_to="customer_reference"
    )
    factories.publish_version(version)
    revision = req_services.intake_start(
        user=service_user,
        form_version=version,
        channel=Channel.EMAIL,
        customer=customer,
        documented_statement=True,
        answers={},
    )
    response = patch_json(
        service_api, url(revision), {"customer_reference": "PO-1", "form": "x"}
    )
    assert is_problem(response, 400, "validation-error")
    errors = response.json()["errors"]
    assert "Your PO" in errors["customer_reference"][0]
    assert "form" in errors
    assert (
        patch_json(service_api, url(revision), {"answers": {"po": "PO-9"}}).status_code
        == 200
    )
    assert Order.objects.get(pk=revision.order_id).customer_reference == "PO-9"


def test_a_submitted_order_is_a_conflict(service_api, draft, service_user):
    req_services.revision_answers_save(
        revision=draft, user=service_user, answers=COMPLETE
    )
    req_services.revision_submit(revision=draft, user=service_user)
    response = patch_json(service_api, url(draft), {"answers": {"quantity": 3}})
    assert is_problem(response, 409, "conflict")


def test_only_customer_service_updates_drafts(
    reviewer_api, auditor_api, form_admin_api, draft
):
    for client in (reviewer_api, auditor_api, form_admin_api):
        response = patch_json(client, url(draft), {"answers": {"quantity": 3}})
        assert is_problem(response, 403, "permission-denied")
    anonymous = Client().patch(url(draft), {}, content_type="application/json")
    assert is_problem(anonymous, 401, "not-authenticated")
    assert stored(draft)["quantity"] == 5


def test_an_unknown_order_is_not_found(service_api, draft):
    response = patch_json(service_api, "/api/v1/orders/SO-1999-000001/", {})
    assert is_problem(response, 404, "not-found")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"channel": ["email"]}, "channel"),
        ({"channel": {"a": "b"}}, "channel"),
        ({"customer": "x" * 100_000}, "customer"),
        ({"answers": ["x"]}, "answers"),
        ({"answers": {"part_number": ["a", "b"]}}, "answers.part_number"),
        ({"answers": {"quantity": 10**40}}, "answers.quantity"),
        ({"answers": {"drawing": "x.pdf"}}, "answers.drawing"),
        ({"answers": {"part_number": "x" * 100_000}}, "answers.part_number"),
        ({"submit": "yes"}, "submit"),
        (
            {
                "new_customer_name": "A\nB",
                "new_customer_account_code": "AB",
                "customer": None,
            },
            "new_customer_name",
        ),
    ],
)
def test_hostile_input_is_refused_per_field(service_api, draft, body, field):
    response = patch_json(service_api, url(draft), body)
    assert is_problem(response, 400, "validation-error"), response.content
    assert field in response.json()["errors"]
    assert not Customer.objects.filter(account_code="AB").exists()


def test_a_body_that_is_no_object_or_no_json_is_refused(service_api, draft):
    assert is_problem(patch_json(service_api, url(draft), [1]), 400, "validation-error")
    broken = service_api.patch(url(draft), "{", content_type="application/json")
    assert is_problem(broken, 400, "malformed-request")
    form = service_api.patch(url(draft), "a=b", content_type="text/plain")
    assert is_problem(form, 415, "unsupported-media-type")


def test_a_line_break_in_a_one_line_answer_is_kept_as_the_page_keeps_it(
    service_api, draft
):
    response = patch_json(
        service_api, url(draft), {"answers": {"part_number": "AX\r\n-2"}}
    )
    assert response.status_code == 200
    assert stored(draft)["part_number"] == "AX\r\n-2"
