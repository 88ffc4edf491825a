"""Change orders through the API: raised with the change page's form and rules
(the customer's request filed with it), their draft updated and submitted, read
back; every refusal (400 per field, 403 by role, 404, 409 by state)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from communications.models import Communication
from orders.models import Order
from requirements import services as req_services
from requirements.models import RequirementSet
from tests.api.conftest import is_problem, token_client
from tests.changes.conftest import assess_all, sign
from tests.hardening.conftest import conditionally_accepted, submitted

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RAISE = {"reason": "Customer wants more", "channel": "email", "requested_by": "Jo"}


def changes_url(order: Order) -> str:
    return f"/api/v1/orders/{order.number}/change-orders/"


def post_json(client: Client, url: str, data: object) -> object:
    return client.post(url, data, content_type="application/json")


def patch_json(client: Client, url: str, data: object) -> object:
    return client.patch(url, data, content_type="application/json")


@pytest.fixture
def change(service_api, accepted_order) -> str:
    """A raised change order's URL (revision 2, a draft)."""
    response = post_json(service_api, changes_url(accepted_order), RAISE)
    assert response.status_code == 201
    return response["Location"]


def test_a_change_order_is_raised_pre_filled_with_the_requirements(
    service_api, service_user, accepted_order
):
    response = post_json(service_api, changes_url(accepted_order), RAISE)
    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == f"{changes_url(accepted_order)}2/"
    assert body["order"] == accepted_order.number
    assert (body["revision"], body["state"], body["requested_by"]) == (2, "draft", "Jo")
    # By e-mail the change is in writing unless said otherwise.
    assert body["documented_statement"] is True
    assert body["answers"]["quantity"] == 250
    assert body["created_by"]["username"] == service_user.username
    revision = RequirementSet.objects.get(order=accepted_order, number=2)
    assert revision.history.earliest("history_date").history_user == service_user


def test_a_change_by_phone_must_say_whether_it_is_in_writing(
    service_api, accepted_order
):
    phone = {**RAISE, "channel": "phone"}
    response = post_json(service_api, changes_url(accepted_order), phone)
    assert is_problem(response, 400, "validation-error")
    assert "documented_statement" in response.json()["errors"]
    written = {**phone, "documented_statement": False}
    response = post_json(service_api, changes_url(accepted_order), written)
    assert response.status_code == 201
    assert response.json()["documented_statement"] is False


def test_every_error_comes_at_once_and_nothing_is_raised(service_api, accepted_order):
    response = post_json(
        service_api,
        changes_url(accepted_order),
        {"channel": "pigeon", "request_body": "Please change"},
    )
    assert is_problem(response, 400, "validation-error")
    assert {"reason", "channel", "requested_by"} <= set(response.json()["errors"])
    assert not accepted_order.revisions.filter(number=2).exists()


def test_the_customers_request_is_filed_with_its_document(service_api, accepted_order):
    response = service_api.post(
        changes_url(accepted_order),
        {
            **RAISE,
            "documented_statement": "true",
            "request_subject": "Revised PO 4711",
            "request_body": "Please make 400.",
            "request_attachment": SimpleUploadedFile("po.pdf", PDF),
        },
    )
    assert response.status_code == 201, response.content
    filed = Communication.objects.get(order=accepted_order, subject="Revised PO 4711")
    assert filed.body == "Please make 400."
    assert filed.attachments.count() == 1


def test_a_request_body_without_a_subject_is_refused(service_api, accepted_order):
    body = {**RAISE, "request_body": "Please make 400."}
    response = post_json(service_api, changes_url(accepted_order), body)
    assert is_problem(response, 400, "validation-error")
    assert "request_subject" in response.json()["errors"]
    json_file = {**RAISE, "request_attachment": "po.pdf"}
    response = post_json(service_api, changes_url(accepted_order), json_file)
    assert "request_attachment" in response.json()["errors"]


def test_the_draft_answers_merge_and_errors_come_per_answer(
    service_api, accepted_order, change
):
    response = patch_json(
        service_api, change, {"answers": {"quantity": "400", "finish": None}}
    )
    assert response.status_code == 200
    answers = response.json()["answers"]
    assert answers["quantity"] == 400 and "finish" not in answers
    refused = patch_json(
        service_api, change, {"answers": {"quantity": 0, "colour": "red"}}
    )
    assert is_problem(refused, 400, "validation-error")
    assert set(refused.json()["errors"]) == {"answers.quantity", "answers.colour"}
    assert service_api.get(change).json()["answers"]["quantity"] == 400


def test_submitting_re_opens_the_review_and_a_second_submit_is_a_conflict(
    service_api, accepted_order, change
):
    unchanged = service_api.post(f"{change}submit/")
    assert is_problem(unchanged, 400, "validation-error")
    assert "changes nothing" in unchanged.json()["errors"]["non_field_errors"][0]
    patch_json(service_api, change, {"answers": {"quantity": 400}})
    response = service_api.post(f"{change}submit/")
    assert response.status_code == 200
    assert response.json()["state"] == "submitted"
    assert is_problem(service_api.post(f"{change}submit/"), 409, "conflict")
    late = patch_json(service_api, change, {"answers": {"quantity": 5}})
    assert is_problem(late, 409, "conflict")


def test_patch_with_submit_saves_and_submits(service_api, accepted_order, change):
    response = patch_json(
        service_api, change, {"answers": {"quantity": 300}, "submit": True}
    )
    assert response.status_code == 200
    assert response.json()["state"] == "submitted"


def test_one_change_order_at_a_time_the_second_names_the_draft(
    service_api, accepted_order, change
):
    again = post_json(service_api, changes_url(accepted_order), RAISE)
    assert is_problem(again, 409, "conflict")
    assert change in again.json()["detail"]


def test_an_order_waiting_for_the_customers_answer_is_a_conflict(
    service_api, intake_version, customer, service_user, approver
):
    waiting, _token = conditionally_accepted(
        intake_version, customer, service_user, approver
    )
    response = post_json(service_api, changes_url(waiting), RAISE)
    assert is_problem(response, 409, "conflict")
    assert "awaiting customer agreement" in response.json()["detail"]


def test_a_draft_order_has_no_change_orders(
    service_api, service_user, intake_version, customer
):
    draft = req_services.intake_start(
        user=service_user,
        form_version=intake_version,
        channel="email",
        customer=customer,
        documented_statement=True,
    )
    response = post_json(service_api, changes_url(draft.order), RAISE)
    assert is_problem(response, 409, "conflict")


def test_revision_one_and_unknown_revisions_are_not_found(
    service_api, accepted_order, change
):
    base = changes_url(accepted_order)
    for url in (f"{base}1/", f"{base}9/", f"{base}99999999999999999999/"):
        assert is_problem(service_api.get(url), 404, "not-found")
        assert is_problem(patch_json(service_api, url, {}), 404, "not-found")
        assert is_problem(service_api.post(f"{url}submit/"), 404, "not-found")
    unknown = post_json(service_api, "/api/v1/orders/SO-1999-1/change-orders/", RAISE)
    assert is_problem(unknown, 404, "not-found")


def test_readers_read_and_only_customer_service_writes(
    accepted_order, change, reviewer, auditor, approver, form_admin
):
    for user in (reviewer, auditor, approver):
        client = token_client(user)
        assert client.get(change).status_code == 200
        for response in (
            post_json(client, changes_url(accepted_order), RAISE),
            patch_json(client, change, {"answers": {"quantity": 400}}),
            client.post(f"{change}submit/"),
        ):
            assert is_problem(response, 403, "permission-denied")
    assert is_problem(token_client(form_admin).get(change), 403, "permission-denied")
    assert is_problem(Client().get(change), 401, "not-authenticated")
    assert (
        RequirementSet.objects.get(order=accepted_order, number=2).answers["quantity"]
        == 250
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**RAISE, "reason": "x" * 100_000}, "reason"),
        ({**RAISE, "channel": ["email"]}, "channel"),
        ({**RAISE, "requested_by": {"name": "Jo"}}, "requested_by"),
        ({**RAISE, "documented_statement": "maybe"}, "documented_statement"),
        ({**RAISE, "colour": "red"}, "colour"),
        ({**RAISE, "request_subject": "s" * 301}, "request_subject"),
    ],
)
def test_hostile_input_is_refused_per_field(service_api, accepted_order, body, field):
    response = post_json(service_api, changes_url(accepted_order), body)
    assert is_problem(response, 400, "validation-error")
    assert field in response.json()["errors"]
    assert not accepted_order.revisions.filter(number=2).exists()


def test_a_line_break_in_who_asked_is_kept_as_the_change_page_keeps_it(
    service_api, accepted_order
):
    body = {**RAISE, "requested_by": "Jo\r\nBuyer"}
    response = post_json(service_api, changes_url(accepted_order), body)
    assert response.status_code == 201
    assert response.json()["requested_by"] == "Jo\r\nBuyer"


def test_a_change_orders_file_answer_is_uploaded_to_its_draft(
    service_api, intake_version, customer, service_user
):
    order = submitted(intake_version, customer, service_user)
    raised = post_json(service_api, changes_url(order), RAISE)
    url = f"{raised['Location']}files/drawing/"
    file = SimpleUploadedFile("d.pdf", PDF, content_type="application/pdf")
    response = service_api.post(url, {"file": file})
    assert response.status_code == 200
    revision = RequirementSet.objects.get(order=order, number=2)
    assert revision.answers["drawing"]["name"] == "d.pdf"
    assert "drawing" not in order.revisions.get(number=1).answers
    assert service_api.get(raised["Location"]).json()["answers"]["drawing"] == {
        "name": "d.pdf",
        "size": len(PDF),
        "sha256": revision.answers["drawing"]["sha256"],
        "content_type": "application/pdf",
    }
    assert service_api.post(f"{raised['Location']}submit/").status_code == 200
    late = service_api.post(url, {"file": SimpleUploadedFile("d.pdf", PDF)})
    assert is_problem(late, 409, "conflict")


def test_reading_a_change_order_runs_the_same_queries_in_every_state(
    service_api, accepted_order, change, team, approver
):
    """4 for the token request (tests/api/test_queries.py), 1 for the change order
    with its order, form version, people, review and decision."""
    counts = []
    for step in ("draft", "submitted", "decided"):
        if step == "submitted":
            patch_json(service_api, change, {"answers": {"quantity": 400}})
            service_api.post(f"{change}submit/")
        if step == "decided":
            review = RequirementSet.objects.get(order=accepted_order, number=2).review
            assess_all(review, team)
            sign(review, approver)
        with CaptureQueriesContext(connection) as captured:
            response = service_api.get(change)
        assert response.status_code == 200
        counts.append(len(captured))
    assert response.json()["outcome"] == "accept"
    assert counts == [5, 5, 5]


def test_an_unsubmitted_change_order_is_discarded_and_a_submitted_one_is_not(
    service_api, reviewer_api, accepted_order, change
):
    assert is_problem(reviewer_api.delete(change), 403, "permission-denied")
    assert service_api.delete(change).status_code == 204
    assert not accepted_order.revisions.filter(number=2).exists()
    assert is_problem(service_api.delete(change), 404, "not-found")
    again = post_json(service_api, changes_url(accepted_order), RAISE)
    patch_json(service_api, again["Location"], {"answers": {"quantity": 400}})
    service_api.post(f"{again['Location']}submit/")
    assert is_problem(service_api.delete(again["Location"]), 409, "conflict")
