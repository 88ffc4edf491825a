"""In a real browser: a person creates an API token on their page (shown once),
and the interactive docs load from our own files under the strict CSP and call
the API with the browser's login."""

import pytest
from playwright.sync_api import Page, expect

from orders.models import Customer
from tests.browser import axe_violations, csp_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_token_is_created_from_the_user_menu_and_shown_once(
    page: Page, live_server, service_user
):
    csp = csp_violations(page)
    log_in(page, live_server.url, "service")
    page.get_by_role("button", name=service_user.printed_name).click()
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("ERP import")
    page.get_by_role("button", name="Create a token").click()
    shown = page.get_by_label("New API token")
    assert shown.input_value().startswith("ort_")
    assert axe_violations(page, live_server.url) == []
    page.reload()
    expect(page.get_by_label("New API token")).to_have_count(0)
    page.get_by_role("link", name="Revoke…").click()
    page.get_by_role("button", name="Revoke the token").click()
    expect(page.get_by_text("revoked", exact=False).first).to_be_visible()
    assert csp == []


def test_the_docs_load_under_the_csp_and_try_an_endpoint(
    page: Page, live_server, service_user
):
    csp = csp_violations(page)
    log_in(page, live_server.url, "service")
    page.goto(live_server.url + "/api/v1/docs/")
    expect(page.get_by_text("OrderReview API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/customers/").first).to_be_visible()
    assert csp == []


def test_a_post_from_the_docs_page_uses_the_login_and_its_csrf_token(
    page: Page, live_server, service_user
):
    """Try it out on POST /api/v1/customers/: the session, not a token, and the
    page's CSRF token, so the customer is created."""
    log_in(page, live_server.url, "service")
    page.goto(live_server.url + "/api/v1/docs/")
    operation = page.locator("#operations-customers-customers_create")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.locator("textarea.body-param__text").fill(
        '{"name": "Docs <b>Ltd</b>", "account_code": "DOCS-1"}'
    )
    operation.get_by_role("button", name="Execute").click()
    expect(
        operation.locator(".live-responses-table tbody .response-col_status").first
    ).to_contain_text("201")
    assert Customer.objects.get(account_code="DOCS-1").name == "Docs <b>Ltd</b>"
