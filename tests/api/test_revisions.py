"""An order's revisions, requirements and diff, its review and acceptance record
(issue 16): what the order, change-order, review and record pages show, with their
roles; every refusal a problem."""

import pytest
from django.test import Client

from orders.models import Channel
from requirements import change_orders
from requirements import services as req_services
from reviews.models import Signature
from tests import factories
from tests.api.conftest import is_problem, token_client
from tests.changes.conftest import (
    accepted_order,
    assess_all,
    change_version,
    planner,
    raise_change,
    sign,
    team,
)

__all__ = ["accepted_order", "change_version", "planner", "team"]

pytestmark = pytest.mark.django_db


def _urls(number: str, revision: int = 1) -> dict[str, str]:
    base = f"/api/v1/orders/{number}"
    one = f"{base}/revisions/{revision}"
    return {
        "revisions": f"{base}/revisions/",
        "revision": f"{one}/",
        "diff": f"{base}/diff/",
        "review": f"{one}/review/",
        "record": f"{one}/record/",
        "pdf": f"{one}/record/pdf/",
    }


@pytest.fixture
def changed_order(accepted_order, service_user):
    """Revision 1 accepted; revision 2 submitted: quantity 250 -> 400, finish
    removed."""
    raise_change(accepted_order, service_user, {"quantity": 400, "finish": None})
    return accepted_order


# --- revisions and requirements ------------------------------------------------------


def test_the_revisions_are_the_order_pages_history(
    service_api, changed_order, approver, service_user
):
    body = service_api.get(_urls(changed_order.number)["revisions"]).json()
    first, second = body
    assert [first["number"], second["number"]] == [1, 2]
    assert first["state"] == "accepted" and first["documented_statement"] is True
    assert first["decision"]["outcome"] == "accept"
    assert first["decision"]["decided_by"]["username"] == approver.username
    assert second["state"] == "submitted" and second["decision"] is None
    assert second["reason"] == "Customer called" and second["channel"] == "email"
    assert second["created_by"]["username"] == service_user.username
    aware = {row["person"]["username"] for row in second["made_aware"]}
    assert service_user.username in aware


def test_a_revision_shows_its_requirements_as_the_requirements_table(
    reviewer_api, changed_order
):
    body = reviewer_api.get(_urls(changed_order.number, 2)["revision"]).json()
    assert body["number"] == 2 and body["draft_answers"] == []
    rows = {row["key"]: row for row in body["requirements"]}
    assert set(rows) == {"part_number", "quantity"}
    quantity = rows["quantity"]
    assert quantity["value"] == 400 and quantity["display"] == "400"
    assert quantity["statement"] == "Quantity" and quantity["kind"] == "integer"
    assert quantity["category"] == "delivery"
    assert quantity["discipline"]["slug"] == "production"
    assert quantity["source"] == "form" and body["disposal"] is None
    # Grouped by category as the page is: stated requirements before delivery.
    assert [row["key"] for row in body["requirements"]] == ["part_number", "quantity"]


def test_a_draft_shows_the_answers_typed_so_far(service_api, change_version):
    draft = req_services.intake_start(
        user=factories.UserFactory(),
        form_version=change_version,
        channel=Channel.PHONE,
        customer=factories.CustomerFactory(),
        documented_statement=True,
        answers={"part_number": "AX-9"},
    )
    body = service_api.get(_urls(draft.order.number)["revision"]).json()
    assert body["state"] == "draft" and body["requirements"] == []
    assert body["draft_answers"] == [
        {"key": "part_number", "label": "Part number", "display": "AX-9"}
    ]


def test_an_unknown_order_or_revision_is_not_found(service_api, changed_order):
    urls = _urls(changed_order.number, 7)
    assert is_problem(service_api.get(urls["revision"]), 404, "not-found")
    for url in _urls("SO-1999-000001").values():
        assert is_problem(service_api.get(url), 404, "not-found"), url


# --- the diff -----------------------------------------------------------------------


def test_the_diff_is_the_change_order_pages_old_to_new(service_api, changed_order):
    url = _urls(changed_order.number)["diff"]
    body = service_api.get(url).json()
    assert body["from_revision"] == {"number": 1, "state": "accepted"}
    assert body["to_revision"] == {"number": 2, "state": "submitted"}
    [changed] = body["changed"]
    assert changed["key"] == "quantity" and changed["differs"] == ["value"]
    assert (changed["old"]["display"], changed["new"]["display"]) == ("250", "400")
    assert [row["key"] for row in body["removed"]] == ["finish"]
    assert body["added"] == []
    assert [row["key"] for row in body["unchanged"]] == ["part_number"]
    assert service_api.get(url, {"from": 1, "to": 2}).json() == body


def test_a_change_orders_draft_diff_previews_what_submitting_would_make(
    service_api, accepted_order, service_user
):
    draft = change_orders.change_order_start(
        order=accepted_order,
        user=service_user,
        reason="More",
        channel=Channel.EMAIL,
        requested_by="Jo",
    )
    req_services.revision_answers_save(
        revision=draft, user=service_user, answers={**draft.answers, "quantity": 300}
    )
    body = service_api.get(_urls(accepted_order.number)["diff"]).json()
    assert body["to_revision"] == {"number": 2, "state": "draft"}
    [changed] = body["changed"]
    assert changed["new"]["display"] == "300" and changed["new"]["id"] is None


def test_bad_from_and_to_are_refused_per_field(service_api, changed_order):
    url = _urls(changed_order.number)["diff"]
    both = service_api.get(url, {"from": "one", "to": "0"})
    assert is_problem(both, 400, "validation-error")
    assert set(both.json()["errors"]) == {"from", "to"}
    backwards = service_api.get(url, {"from": 2, "to": 1})
    assert is_problem(backwards, 400, "validation-error")
    assert list(backwards.json()["errors"]) == ["from"]
    after_newest = service_api.get(url, {"from": 2})
    assert list(after_newest.json()["errors"]) == ["from"]
    assert is_problem(service_api.get(url, {"to": 9}), 404, "not-found")
    assert is_problem(service_api.get(url, {"to": 1}), 404, "not-found")


# --- the review and the record --------------------------------------------------------


def test_the_review_shows_assessments_decision_and_signatures(
    auditor_api, accepted_order, approver
):
    body = auditor_api.get(_urls(accepted_order.number)["review"]).json()
    assert body["state"] == "decided" and body["pending"] == 0
    assert {a["verdict"] for a in body["assessments"]} == {"can_meet"}
    quantity = next(
        a for a in body["assessments"] if a["requirement"]["key"] == "quantity"
    )
    assert quantity["discipline"]["slug"] == "production"
    assert quantity["assessed_by"]["username"] == "planner"
    assert quantity["assessed_at"] and quantity["carried_from_revision"] is None
    assert body["decision"]["outcome"] == "accept"
    [signature] = body["signatures"]
    stored = Signature.objects.get()
    assert signature["content_hash"] == stored.content_hash
    assert signature["signer"]["username"] == approver.username
    assert signature["meaning"] == stored.meaning


def test_a_change_orders_review_carries_unchanged_verdicts_forward(
    reviewer_api, changed_order
):
    body = reviewer_api.get(_urls(changed_order.number, 2)["review"]).json()
    assert body["state"] == "open"
    by_key = {a["requirement"]["key"]: a for a in body["assessments"]}
    assert by_key["part_number"]["carried_from_revision"] == 1
    assert by_key["quantity"]["verdict"] == "" and body["pending"] == 1


def test_the_record_is_the_record_pages_and_verifies(service_api, accepted_order):
    body = service_api.get(_urls(accepted_order.number)["record"]).json()
    stored = Signature.objects.get()
    assert body["signed"] is True and body["content_intact"] is True
    assert body["content_hash"] == stored.content_hash
    assert body["content"] == stored.content
    [signature] = body["signatures"]
    assert signature["verified"] is True and signature["problem"] == ""
    assert body["confirmation"]["documented"] is True
    assert {row["key"] for row in body["rows"]} == {
        "part_number",
        "quantity",
        "finish",
    }
    assert body["changes"] == [] and body["chain_failures"] == []


def test_an_undecided_record_is_a_preview(service_api, changed_order):
    body = service_api.get(_urls(changed_order.number, 2)["record"]).json()
    assert body["signed"] is False and body["signatures"] == []
    assert body["decision"] is None


def test_the_pdf_is_the_web_pages_pdf(service_api, accepted_order, service_user):
    response = service_api.get(_urls(accepted_order.number)["pdf"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "acceptance-record.pdf" in response["Content-Disposition"]
    web = Client()
    web.force_login(service_user)
    page = web.get(f"/orders/{accepted_order.number}/record/1/pdf/")
    assert len(page.content) == pytest.approx(len(response.content), rel=0.01)


def test_a_missing_pdf_is_a_json_problem(service_api, changed_order):
    urls = _urls(changed_order.number, 5)
    response = service_api.get(urls["pdf"], HTTP_ACCEPT="application/pdf")
    assert is_problem(response, 404, "not-found")


def test_a_draft_revision_has_no_review_or_record(service_api, accepted_order):
    change_orders.change_order_start(
        order=accepted_order,
        user=factories.UserFactory(),
        reason="More",
        channel=Channel.EMAIL,
        requested_by="Jo",
    )
    urls = _urls(accepted_order.number, 2)
    assert service_api.get(urls["revision"]).json()["state"] == "draft"
    for name in ("review", "record", "pdf"):
        assert is_problem(service_api.get(urls[name]), 404, "not-found"), name


# --- refusals -----------------------------------------------------------------------


def test_form_admins_and_people_without_a_role_are_refused(
    form_admin_api, no_role_user, changed_order
):
    nobody = token_client(no_role_user)
    for url in _urls(changed_order.number).values():
        assert is_problem(form_admin_api.get(url), 403, "permission-denied"), url
        assert is_problem(nobody.get(url), 403, "permission-denied"), url


def test_without_a_token_or_with_a_wrong_one_nothing_is_read(changed_order):
    wrong = Client(headers={"Authorization": "Bearer ort_wrong"})
    for url in _urls(changed_order.number).values():
        assert is_problem(Client().get(url), 401, "not-authenticated"), url
        assert is_problem(wrong.get(url), 401, "authentication-failed"), url


def test_everything_is_read_only(service_api, reviewer_api, auditor_api, changed_order):
    """Whoever the page lets change things gets 405; read-only roles 403 (customer
    service only reads reviews and records, as on their pages)."""
    urls = _urls(changed_order.number)
    for name, url in urls.items():
        writer, reader = (
            (service_api, auditor_api)
            if name in ("revisions", "revision", "diff")
            else (reviewer_api, service_api)
        )
        refused = writer.post(url, {}, content_type="application/json")
        assert is_problem(refused, 405, "method-not-allowed"), url
        assert is_problem(reader.delete(url), 403, "permission-denied"), url
        assert is_problem(auditor_api.put(url), 403, "permission-denied"), url


def test_approvers_read_the_review_they_sign_in_the_browser(
    changed_order, approver, team
):
    approver_api = token_client(approver)
    review = changed_order.reviews.get(requirement_set__number=2)
    assess_all(review, team)
    urls = _urls(changed_order.number, 2)
    assert approver_api.get(urls["review"]).json()["pending"] == 0
    assert is_problem(approver_api.post(urls["review"]), 405, "method-not-allowed")
    sign(review, approver)
    body = approver_api.get(urls["record"]).json()
    assert body["signed"] is True and body["signatures"][0]["verified"] is True


def test_the_pdf_answers_problems_as_json_whatever_was_asked(
    service_api, form_admin_api, accepted_order
):
    url = _urls(accepted_order.number)["pdf"]
    refused = form_admin_api.get(url, HTTP_ACCEPT="application/pdf")
    assert is_problem(refused, 403, "permission-denied")
    as_json = service_api.get(url, HTTP_ACCEPT="application/json")
    assert is_problem(as_json, 406, "not-acceptable")
    options = service_api.options(url)
    assert is_problem(options, 405, "method-not-allowed")
