"""axe-core on the main pages of every role: no serious or critical violations."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from tests.browser import axe_violations, csp_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# fixture giving the user -> the URL names of the pages that role works on; path
# parameters come from the hardening world (real orders, reviews, forms ...).
ROLE_PAGES = {
    "service_user": [
        "home",
        "orders:order_list",
        "orders:order_detail",
        "orders:order_new",
        "orders:order_edit",
        "orders:customer_list",
        "orders:customer_detail",
        "orders:portal_link",
        "orders:agreement_record",
        "reviews:acceptance_record",
        "communications:communication_list",
        "communications:communication_detail",
        "communications:communication_create",
        "communications:notice_list",
    ],
    "reviewer": [
        "home",
        "reviews:my_reviews",
        "reviews:review_detail",
        "reviews:assessments_can_meet",
        "orders:order_detail",
        "reviews:acceptance_record",
    ],
    "approver": [
        "home",
        "reviews:my_reviews",
        "reviews:decision_sign",
        "reviews:signatures_verify",
        "orders:order_close_declined",
        "staffmail:preferences",
    ],
    "auditor": [
        "home",
        "audit:timeline",
        "audit:object_history",
        "audit:order_as_of",
        "audit:signature_chain",
    ],
    "form_admin": [
        "home",
        "orderforms:form_list",
        "orderforms:form_detail",
        "orderforms:version_detail",
        "orderforms:version_preview",
        "orderforms:question_edit",
        "communications:template_list",
        "communications:template_edit",
        "communications:offering_list",
    ],
}
PUBLIC_PAGES = [
    "communications:catalog",
    "orders:catalog_request",
    "orders:portal",
    "orders:agreement_portal",
]


def _path(world, name: str) -> str:
    return reverse(name, kwargs=world.params.get(name, {}))


def test_login_page_is_accessible(page: Page, live_server):
    console = csp_violations(page)
    page.goto(f"{live_server.url}/accounts/login/")
    assert axe_violations(page, live_server.url) == []
    assert console == []


@pytest.mark.parametrize("role_fixture", sorted(ROLE_PAGES))
def test_main_pages_of_each_role_are_accessible(
    page: Page, live_server, request, role_fixture, world
):
    user = request.getfixturevalue(role_fixture)
    console = csp_violations(page)
    log_in(page, live_server.url, user.username)
    found = {}
    for name in ROLE_PAGES[role_fixture]:
        path = _path(world, name)
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        violations = axe_violations(page, live_server.url)
        if violations:
            found[path] = violations
    assert found == {}
    assert console == []


def test_public_pages_are_accessible(page: Page, live_server, world):
    console = csp_violations(page)
    found = {}
    for name in PUBLIC_PAGES:
        path = _path(world, name)
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        violations = axe_violations(page, live_server.url)
        if violations:
            found[path] = violations
    assert found == {}
    assert console == []


def test_the_axe_check_does_find_violations(page: Page, live_server):
    """Guard against a check that cannot fail: a bad page must be reported."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        "() => { const i = document.createElement('input');"
        " i.id = 'unlabelled'; document.querySelector('main').appendChild(i);"
        " document.documentElement.removeAttribute('lang'); }"
    )
    ids = {v["id"] for v in axe_violations(page, live_server.url)}
    assert "html-has-lang" in ids or "label" in ids
