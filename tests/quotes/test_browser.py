"""A quote taken to an order in a real browser: the order made from the reviewed
quote, its quantity changed, the difference agreed with the customer, and the
order signed."""

import pytest
from playwright.sync_api import Page, expect

from orders.models import Order
from requirements.models import QuoteDifference
from tests.browser import axe_violations, csp_violations
from tests.changes.test_browser import log_in
from tests.quotes.conftest import assess_all, sign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_quote_becomes_an_order_whose_difference_is_resolved_before_signing(
    page: Page, live_server, reviewed_quote, service_user, team, approver
):
    console = csp_violations(page)
    quote_path = f"/orders/{reviewed_quote.number}/"

    # Customer service makes the order from the reviewed quote.
    log_in(page, live_server, "service", quote_path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Quote {reviewed_quote.number}"
    )
    page.get_by_role("link", name="Create the order from this quote").click()
    assert axe_violations(page, live_server.url) == []
    page.get_by_label("How the order reached us").select_option("email")
    page.get_by_label("Customer's reference (their purchase order)").fill("PO-4711")
    page.get_by_label(
        "Yes: a purchase order, e-mail or portal form states them"
    ).check()
    page.get_by_role("button", name="Make the draft order").click()

    # The draft starts as the quote; the customer ordered 400, not 250.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Draft SO-")
    expect(page.get_by_label("Quantity")).to_have_value("250")
    page.get_by_label("Quantity").fill("400")
    page.get_by_role("button", name="Submit for review").click()

    order = Order.objects.get(quote=reviewed_quote)
    difference = QuoteDifference.objects.get(revision__order=order)
    row = page.locator(f'tr[data-difference="{difference.key}"]')
    expect(row).to_contain_text("250")
    expect(row).to_contain_text("400")
    expect(row).to_contain_text("Not resolved")
    assert axe_violations(page, live_server.url) == []

    # Signing is refused while the difference is open.
    review = order.revisions.get().review
    assess_all(review, team)
    with pytest.raises(Exception, match="differ from the quote"):
        sign(review, approver)

    # Customer service records that the customer agreed, by phone.
    row.get_by_role("link", name="Resolve").click()
    assert axe_violations(page, live_server.url) == []
    page.get_by_label("Who at the customer agreed").fill("Jo Buyer")
    page.get_by_role("button", name="Record the customer's agreement").click()
    expect(page.locator(f'tr[data-difference="{difference.key}"]')).to_contain_text(
        "Agreed with the customer: Jo Buyer"
    )

    sign(review, approver)
    order.refresh_from_db()
    assert order.status == Order.Status.ACCEPTED
    assert console == []
