"""A quote sent through its link in a real browser: customer service create the
link on the quote page, the customer opens it without an account and accepts the
quote with their name, and the quote page then says who accepted it."""

import pytest
from playwright.sync_api import Page, expect

from requirements.models import QuoteAcceptance
from tests.browser import axe_violations, csp_violations
from tests.changes.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_customer_accepts_a_quote_through_its_link(
    page: Page, live_server, reviewed_quote, service_user
):
    console = csp_violations(page)
    quote_path = f"/orders/{reviewed_quote.number}/"

    # Customer service create a link from the quote page.
    log_in(page, live_server, "service", quote_path)
    page.get_by_role("link", name="Customer links").click()
    assert axe_violations(page, live_server.url) == []
    page.get_by_label("Sent to (optional)").fill("Jo Buyer, purchasing")
    page.get_by_role("button", name="Create a new link").click()
    url = page.get_by_label("Quote link").input_value()
    assert "/quote/" in url

    # The customer, without an account, reads the quote and accepts it.
    page.context.clear_cookies()
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Quote {reviewed_quote.number}"
    )
    expect(page.get_by_text("AX-100")).to_be_visible()
    assert axe_violations(page, live_server.url) == []
    page.get_by_role("button", name="Accept the quote").click()
    expect(page.get_by_text("Type your name to accept the quote.")).to_be_visible()
    page.locator("#id_name").fill("Jo Buyer")
    page.get_by_role("button", name="Accept the quote").click()
    expect(page.get_by_test_id("quote-accepted")).to_contain_text(
        "Jo Buyer, you accepted revision 1"
    )
    assert QuoteAcceptance.objects.get().accepted_by_name == "Jo Buyer"

    # The quote page says who accepted it, when and which revision.
    log_in(page, live_server, "service", quote_path)
    expect(page.locator("[data-quote-accepted]")).to_contain_text(
        "Accepted by the customer: Jo Buyer"
    )
    expect(page.locator("[data-quote-accepted]")).to_contain_text("revision 1")
    assert console == []
