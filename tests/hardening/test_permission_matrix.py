"""Every URL, every role: the expected answer is written down, URL by URL.

The walk goes through the whole resolver (tests/urlwalk.py) with real objects in
the path parameters (tests/hardening/conftest.py), so views find what they look up
and answer with their real decision. A URL name missing from MATRIX fails the test:
whoever adds a URL decides, here, who may open it.

GET is asked of pages that answer GET; POST-only endpoints get an empty POST inside
a rolled-back savepoint (so one role's action does not change the next one's view).
"""

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.hardening.conftest import history_rows
from tests.urlwalk import OWN_ACCOUNT_NAMES, endpoints

ROLES = ("anonymous", "service_user", "reviewer", "approver", "auditor", "form_admin")


@dataclass(frozen=True)
class Expect:
    method: str
    statuses: dict[str, int]


def _row(method: str, statuses: tuple[int, ...]) -> Expect:
    return Expect(method, dict(zip(ROLES, statuses, strict=True)))


def get(*statuses: int) -> Expect:
    """Statuses for: anonymous, service, reviewer, approver, auditor, form admin."""
    return _row("get", statuses)


def post(*statuses: int) -> Expect:
    """The same, for a POST-only endpoint (an empty POST)."""
    return _row("post", statuses)


# 302 for anonymous = sent to the login page; 403 = wrong role; 405 = wrong method.
# A form admin's 302 / customer service's 200 on an empty POST is the view's own
# answer (a refusal message or the form with errors): it got past the permission check.
MATRIX: dict[str, Expect] = {
    "home": get(302, 200, 200, 200, 200, 200),
    "healthz": get(200, 200, 200, 200, 200, 200),
    "favicon": get(301, 301, 301, 301, 301, 301),
    "orderforms:form_list": get(302, 403, 403, 403, 200, 200),
    "orderforms:form_create": get(302, 403, 403, 403, 403, 200),
    "orderforms:form_import": get(302, 403, 403, 403, 403, 200),
    "orderforms:form_detail": get(302, 403, 403, 403, 200, 200),
    "orderforms:form_edit": get(302, 403, 403, 403, 403, 200),
    "orderforms:version_create": post(302, 403, 403, 403, 403, 302),
    "orderforms:version_detail": get(302, 403, 403, 403, 200, 200),
    "orderforms:version_preview": get(302, 403, 403, 403, 200, 200),
    "orderforms:version_publish": post(302, 403, 403, 403, 403, 200),
    "orderforms:version_retire": post(302, 403, 403, 403, 403, 302),
    "orderforms:version_discard": post(302, 403, 403, 403, 403, 302),
    "orderforms:version_export": get(302, 403, 403, 403, 200, 200),
    "orderforms:version_value": get(302, 403, 403, 403, 403, 200),
    "orderforms:version_sections": get(302, 403, 403, 403, 200, 200),
    "orderforms:question_create": get(302, 403, 403, 403, 403, 200),
    "orderforms:question_preview": post(302, 403, 403, 403, 403, 200),
    "orderforms:question_edit": get(302, 403, 403, 403, 403, 200),
    "orderforms:question_move": post(302, 403, 403, 403, 403, 302),
    "orderforms:question_remove": post(302, 403, 403, 403, 403, 302),
    "regulations:register_list": get(302, 403, 403, 403, 200, 200),
    "regulations:register_create": get(302, 403, 403, 403, 200, 200),
    "regulations:register_edit": get(302, 403, 403, 403, 200, 200),
    "regulations:register_withdraw": post(302, 403, 403, 403, 403, 302),
    "audit:timeline": get(302, 403, 403, 200, 200, 403),
    "audit:timeline_export": get(302, 403, 403, 200, 200, 403),
    "audit:object_history": get(302, 403, 403, 200, 200, 403),
    "audit:order_as_of": get(302, 403, 403, 200, 200, 403),
    "audit:signature_chain": get(302, 403, 403, 200, 200, 403),
    "audit:retention": get(302, 403, 403, 200, 200, 403),
    # Disposal: records controllers act (not in this walk: tests/audit/
    # test_disposal_views.py); auditors and approvers read the requests.
    "audit:disposal_request": get(302, 403, 403, 403, 403, 403),
    "audit:disposal_detail": get(302, 403, 403, 200, 200, 403),
    "audit:disposal_decide": post(302, 403, 403, 403, 403, 403),
    "audit:disposal_execute": get(302, 403, 403, 403, 403, 403),
    "communications:communication_list": get(302, 200, 403, 403, 200, 403),
    "communications:communication_create": get(302, 200, 403, 403, 403, 403),
    "communications:communication_detail": get(302, 200, 403, 403, 200, 403),
    "communications:communication_follow_up": post(302, 200, 403, 403, 403, 403),
    "communications:attachment_add": post(302, 200, 403, 403, 403, 403),
    "communications:attachment_download": get(302, 200, 403, 403, 200, 403),
    "communications:claim_list": get(302, 403, 403, 403, 200, 200),
    "communications:claim_create": get(302, 403, 403, 403, 200, 200),
    "communications:claim_edit": get(302, 403, 403, 403, 200, 200),
    "communications:claim_approve": post(302, 403, 403, 403, 403, 302),
    "communications:claim_evidence": get(302, 403, 403, 403, 200, 200),
    "communications:claim_withdraw": post(302, 403, 403, 403, 403, 302),
    "communications:property_list": get(302, 200, 403, 403, 200, 403),
    "communications:property_new": get(302, 200, 403, 403, 403, 403),
    "communications:property_detail": get(302, 200, 403, 403, 200, 403),
    "communications:property_move": post(302, 200, 403, 403, 403, 403),
    "communications:property_release": post(302, 200, 403, 403, 403, 403),
    "communications:property_problem": post(302, 200, 403, 403, 403, 403),
    "communications:property_close": post(302, 200, 403, 403, 403, 403),
    "communications:catalog": get(200, 200, 200, 200, 200, 200),
    "communications:offering_list": get(302, 403, 403, 403, 200, 200),
    "communications:offering_create": get(302, 403, 403, 403, 403, 200),
    "communications:offering_edit": get(302, 403, 403, 403, 403, 200),
    "communications:notice_list": get(302, 200, 403, 403, 200, 403),
    "communications:notice_detail": get(302, 200, 403, 403, 200, 403),
    "communications:notice_retry": post(302, 302, 403, 403, 403, 403),
    "communications:notice_cancel": post(302, 302, 403, 403, 403, 403),
    "communications:template_list": get(302, 403, 403, 403, 200, 200),
    "communications:template_edit": get(302, 403, 403, 403, 200, 200),
    "reviews:my_reviews": get(302, 403, 200, 200, 403, 403),
    "reviews:signatures_verify": get(302, 403, 403, 200, 200, 403),
    "reviews:review_detail": get(302, 200, 200, 200, 200, 403),
    "reviews:review_line": get(302, 200, 200, 200, 200, 403),
    "reviews:assessment_save": post(302, 403, 200, 403, 403, 403),
    "reviews:statutory_check_save": post(302, 403, 200, 403, 403, 403),
    "reviews:assessment_reopen": post(302, 403, 200, 403, 403, 403),
    "reviews:decision_sign": get(302, 403, 403, 200, 403, 403),
    "reviews:approval_rule_list": get(302, 403, 403, 200, 200, 200),
    "reviews:approval_rule_create": get(302, 403, 403, 200, 200, 200),
    "reviews:approval_rule_edit": get(302, 403, 403, 200, 200, 200),
    "reviews:approval_rule_deactivate": get(302, 403, 403, 403, 403, 200),
    "reviews:assessments_can_meet": get(302, 403, 200, 200, 403, 403),
    "reviews:acceptance_record": get(302, 200, 200, 200, 200, 403),
    "reviews:acceptance_record_pdf": get(302, 200, 200, 200, 200, 403),
    "orders:customer_list": get(302, 200, 403, 403, 200, 403),
    "orders:customer_new": get(302, 200, 403, 403, 403, 403),
    "orders:customer_detail": get(302, 200, 403, 403, 200, 403),
    "orders:customer_edit": get(302, 200, 403, 403, 403, 403),
    "orders:order_list": get(302, 200, 200, 200, 200, 403),
    "orders:order_new": get(302, 200, 403, 403, 403, 403),
    "orders:quote_new": get(302, 200, 403, 403, 403, 403),
    "orders:order_from_quote": get(302, 200, 403, 403, 403, 403),
    "orders:quote_renew": get(302, 200, 403, 403, 403, 403),
    "orders:quote_pdf": get(302, 200, 200, 200, 200, 403),
    "orders:quote_link": get(302, 200, 403, 403, 403, 403),
    "orders:quote_portal": get(200, 200, 200, 200, 200, 200),
    # Customer service records the customer's agreement, reviewers accept.
    "orders:quote_difference": get(302, 200, 200, 200, 403, 403),
    "orders:order_detail": get(302, 200, 200, 200, 200, 403),
    "orders:order_edit": get(302, 200, 403, 403, 403, 403),
    "orders:requirement_add": get(302, 200, 403, 403, 403, 403),
    "orders:requirement_remove": post(302, 302, 403, 403, 403, 403),
    "orders:requirement_file": get(302, 200, 200, 200, 200, 403),
    "orders:revision_confirmation": get(302, 200, 403, 403, 403, 403),
    "orders:portal_link": get(302, 200, 403, 403, 403, 403),
    "orders:portal": get(200, 200, 200, 200, 200, 200),
    "orders:agreement_portal": get(200, 200, 200, 200, 200, 200),
    "orders:agreement_record": get(302, 200, 403, 403, 403, 403),
    # Approvers close an order whose customer declined the conditions.
    "orders:order_close_declined": get(302, 403, 403, 200, 403, 403),
    "orders:catalog_request": get(200, 200, 200, 200, 200, 200),
    "requirements:change_new": get(302, 200, 403, 403, 403, 403),
    "requirements:change_edit": get(302, 200, 403, 403, 403, 403),
    "requirements:change_discard": post(302, 302, 403, 403, 403, 403),
    "requirements:change_requirement_add": get(302, 200, 403, 403, 403, 403),
    "requirements:change_requirement_edit": get(302, 200, 403, 403, 403, 403),
    "requirements:change_requirement_remove": post(302, 302, 403, 403, 403, 403),
    "requirements:revision_changes": get(302, 200, 200, 200, 200, 403),
    "requirements:notification_list": get(302, 200, 200, 200, 200, 403),
    # Everyone chooses how they hear of what waits on them (their own rows only).
    "staffmail:preferences": get(302, 200, 200, 200, 200, 200),
    # Someone else's notification is 404; auditors are not notified (403).
    "requirements:notification_detail": get(302, 200, 404, 404, 403, 403),
    # Everyone manages their own API tokens; the world's token is customer
    # service's, so it is not found for anyone else.
    "api:token_list": get(302, 200, 200, 200, 200, 200),
    "api:token_revoke": get(302, 200, 404, 404, 404, 404),
    # The API: 401 without credentials; otherwise the matching page's answer.
    "api:schema": get(200, 200, 200, 200, 200, 200),
    "api:docs": get(200, 200, 200, 200, 200, 200),
    "api:customer_list": get(401, 200, 403, 403, 200, 403),
    "api:customer_detail": get(401, 200, 403, 403, 200, 403),
    "api:order_form_list": get(401, 200, 403, 403, 200, 200),
    "api:order_form_version": get(401, 200, 403, 403, 200, 200),
    "api:order_list": get(401, 200, 200, 200, 200, 403),
    "api:order_detail": get(401, 200, 200, 200, 200, 403),
    # The world's order A is submitted: customer service is told so (409).
    "api:order_submit": post(401, 409, 403, 403, 403, 403),
    "api:unknown": get(404, 404, 404, 404, 404, 404),
    # Webhooks: integrations admins act (tests/webhooks/test_pages.py); auditors
    # read the endpoints and the delivery log, without the secrets.
    "webhooks:endpoint_list": get(302, 403, 403, 403, 200, 403),
    "webhooks:endpoint_create": get(302, 403, 403, 403, 403, 403),
    "webhooks:endpoint_detail": get(302, 403, 403, 403, 200, 403),
    "webhooks:endpoint_edit": get(302, 403, 403, 403, 403, 403),
    "webhooks:endpoint_delete": get(302, 403, 403, 403, 403, 403),
    "webhooks:secret_rotate": post(302, 403, 403, 403, 403, 403),
    "webhooks:endpoint_ping": post(302, 403, 403, 403, 403, 403),
    "webhooks:delivery_detail": get(302, 403, 403, 403, 200, 403),
    "webhooks:delivery_resend": post(302, 403, 403, 403, 403, 403),
    # An order's revisions and diff: the order and change-order pages' roles;
    # its review and record: the review and record pages' roles.
    "api:revision_list": get(401, 200, 200, 200, 200, 403),
    "api:revision_detail": get(401, 200, 200, 200, 200, 403),
    "api:revision_diff": get(401, 200, 200, 200, 200, 403),
    "api:revision_review": get(401, 200, 200, 200, 200, 403),
    "api:acceptance_record": get(401, 200, 200, 200, 200, 403),
    "api:acceptance_record_pdf": get(401, 200, 200, 200, 200, 403),
    # The communication pages' roles; an empty POST lacks its file (400).
    "api:communication_list": get(401, 200, 403, 403, 200, 403),
    "api:communication_detail": get(401, 200, 403, 403, 200, 403),
    "api:communication_attachment_add": post(401, 400, 403, 403, 403, 403),
    "api:communication_attachment": get(401, 200, 403, 403, 200, 403),
    # An empty POST: no file (400); to change order A (in review), no reason (400).
    "api:order_file_upload": post(401, 400, 403, 403, 403, 403),
    "api:change_order_list": post(401, 400, 403, 403, 403, 403),
    "api:change_order_detail": get(401, 200, 200, 200, 200, 403),
    # Order D's change order (revision 2) is submitted: 409.
    "api:change_order_submit": post(401, 409, 403, 403, 403, 403),
    "api:change_order_file_upload": post(401, 400, 403, 403, 403, 403),
    # The form of orders B and C has no lines: no line L1 of "drawing" (404).
    "api:order_line_file_upload": post(401, 404, 403, 403, 403, 403),
    "api:change_order_line_file_upload": post(401, 404, 403, 403, 403, 403),
}

# Public pages: an anonymous visitor may write there (that is their purpose).
PUBLIC_WRITES = {
    "orders:portal",
    "orders:catalog_request",
    "orders:agreement_portal",
    "orders:quote_portal",
}
WRITE_METHODS = ("post", "put", "patch", "delete")


@pytest.fixture
def users(service_user, reviewer, approver, auditor, form_admin):
    return {
        "anonymous": None,
        "service_user": service_user,
        "reviewer": reviewer,
        "approver": approver,
        "auditor": auditor,
        "form_admin": form_admin,
    }


def _client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def matrix_problems(
    params: dict, users: dict, only: set[str] | None = None
) -> list[str]:
    problems = []
    clients = {role: _client(user) for role, user in users.items()}
    for endpoint in endpoints(per_name=params):
        if only is not None and endpoint.name not in only:
            continue
        expect = MATRIX.get(endpoint.name)
        if expect is None:
            problems.append(
                f"{endpoint.name} ({endpoint.route}) has no entry in the permission "
                "matrix: add one to tests/hardening/test_permission_matrix.py"
            )
            continue
        for role, wanted in expect.statuses.items():
            with transaction.atomic():
                response = getattr(clients[role], expect.method)(endpoint.url)
                transaction.set_rollback(True)
            if response.status_code != wanted:
                problems.append(
                    f"{expect.method.upper()} {endpoint.url} ({endpoint.name}) as "
                    f"{role}: {response.status_code}, expected {wanted}"
                )
            if (
                response.status_code == 302
                and role == "anonymous"
                and "/accounts/login/" not in response["Location"]
            ):
                problems.append(f"{endpoint.name}: anonymous not sent to login")
    return problems


def test_every_url_answers_every_role_as_the_matrix_says(world, users):
    assert matrix_problems(world.params, users) == []


def test_the_matrix_has_no_entry_for_a_url_that_does_not_exist(world):
    names = {endpoint.name for endpoint in endpoints(per_name=world.params)}
    assert set(MATRIX) - names == set()


@pytest.mark.urls("tests.hardening.urls_with_extra")
def test_a_url_without_a_matrix_entry_fails_naming_it(world, users):
    problems = matrix_problems(world.params, users, only={"home", "unlisted_page"})
    assert len(problems) == 1
    assert "unlisted_page" in problems[0]
    assert "no entry in the permission matrix" in problems[0]


# --- one order's objects never show under another's URL ----------------------------


def test_a_requirement_of_one_order_is_not_found_under_another(client, world, users):
    client.force_login(users["service_user"])
    a_requirement = world.file_requirement_a.pk
    remove = reverse(
        "orders:requirement_remove", args=[world.order_b.number, a_requirement]
    )
    assert client.post(remove).status_code == 404
    download = reverse(
        "orders:requirement_file", args=[world.order_c.number, a_requirement]
    )
    assert client.get(download).status_code == 404
    assert (
        client.get(
            reverse(
                "orders:requirement_file", args=[world.order_a.number, a_requirement]
            )
        ).status_code
        == 200
    )


def test_an_assessment_of_one_review_is_not_found_under_another(client, world, users):
    client.force_login(users["reviewer"])
    url = reverse("reviews:assessment_save", args=[world.review_c.pk, world.slot_a.pk])
    data = {f"a{world.slot_a.pk}-verdict": "can_meet", f"a{world.slot_a.pk}-version": 0}
    assert client.post(url, data).status_code == 404
    world.slot_a.refresh_from_db()
    assert world.slot_a.verdict == ""


def test_a_record_or_revision_another_order_has_is_not_found(client, world, users):
    client.force_login(users["approver"])
    # B is a draft: it has a revision 1 but no review, so no record.
    record = reverse("reviews:acceptance_record", args=[world.order_b.number, 1])
    assert client.get(record).status_code == 404
    detail = reverse("orders:order_detail", args=[world.order_c.number])
    assert client.get(detail, {"revision": 3}).status_code == 404
    history = reverse("audit:object_history", args=["orders.order", 999_999])
    assert client.get(history).status_code == 404


def test_a_portal_token_shows_its_own_order_and_no_other(client, world):
    page = client.get(reverse("orders:portal", args=[world.token_b]))
    text = page.content.decode()
    assert world.order_b.number in text
    assert world.order_a.number not in text
    assert world.order_c.number not in text
    guessed = world.token_b[:-1] + ("A" if world.token_b[-1] != "A" else "B")
    assert client.get(reverse("orders:portal", args=[guessed])).status_code == 404


def test_a_change_orders_requirement_is_not_found_under_another_order(
    client, world, users
):
    client.force_login(users["service_user"])
    requirement = world.change_requirement_c.pk
    for number in (world.order_a.number, world.order_d.number):
        edit = reverse(
            "requirements:change_requirement_edit", args=[number, 2, requirement]
        )
        assert client.get(edit).status_code == 404
        remove = reverse(
            "requirements:change_requirement_remove", args=[number, 2, requirement]
        )
        assert client.post(remove).status_code == 404
    world.change_requirement_c.refresh_from_db()


# --- auditors and anonymous visitors change nothing ---------------------------------


def write_problems(client: Client, params: dict, *, public_ok: bool) -> list[str]:
    problems = []
    for endpoint in endpoints(per_name=params):
        if public_ok and endpoint.name in PUBLIC_WRITES:
            continue
        if endpoint.name in OWN_ACCOUNT_NAMES:
            continue
        for method in WRITE_METHODS:
            before = history_rows()
            response = getattr(client, method)(endpoint.url, data={})
            status = response.status_code
            label = f"{method.upper()} {endpoint.url} ({endpoint.name})"
            if history_rows() != before:
                problems.append(f"{label}: wrote history rows (status {status})")
            elif status == 302 and "/accounts/login/" not in response["Location"]:
                problems.append(f"{label}: redirected to {response['Location']}")
            # 401: the API's refusal of a request without credentials; 404: the
            # API's answer to a URL it does not have.
            elif status not in (302, 401, 403, 405) and not (
                status == 404 and endpoint.name == "api:unknown"
            ):
                problems.append(f"{label}: answered {status}")
    return problems


def test_anonymous_visitors_change_nothing_anywhere(world):
    assert write_problems(Client(), world.params, public_ok=True) == []


def test_auditors_change_nothing_with_real_objects_behind_every_url(world, users):
    client = _client(users["auditor"])
    # An auditor on a public page is just another visitor: skipped like anonymous.
    assert write_problems(client, world.params, public_ok=True) == []
