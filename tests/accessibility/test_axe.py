"""axe-core on the main pages of every role: no serious or critical violations."""

import pytest
from playwright.sync_api import Page

from tests.browser import axe_violations, csp_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (fixture giving the user, pages that role works on)
ROLE_PAGES = {
    "service_user": ["/"],
    "reviewer": ["/"],
    "approver": ["/"],
    "auditor": ["/"],
    "form_admin": ["/"],
}


def test_login_page_is_accessible(page: Page, live_server):
    console = csp_violations(page)
    page.goto(f"{live_server.url}/accounts/login/")
    assert axe_violations(page, live_server.url) == []
    assert console == []


@pytest.mark.parametrize("role_fixture", sorted(ROLE_PAGES))
def test_main_pages_of_each_role_are_accessible(
    page: Page, live_server, request, role_fixture
):
    user = request.getfixturevalue(role_fixture)
    console = csp_violations(page)
    log_in(page, live_server.url, user.username)
    for path in ROLE_PAGES[role_fixture]:
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page, live_server.url) == [], path
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
