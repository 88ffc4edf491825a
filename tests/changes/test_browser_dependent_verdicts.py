"""A change order in a real browser re-opens the verdict that depends on what
changed, the review page says why, and a reviewer re-opens a carried-forward
verdict of their own with a reason (issue 21 item 4)."""

import pytest
from playwright.sync_api import Page, expect

from reviews.models import Assessment
from tests.browser import axe_violations, csp_violations
from tests.changes.conftest import QUANTITY_CHANGED
from tests.changes.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_changed_quantity_reopens_the_delivery_date_and_the_page_says_why(
    page: Page, live_server, dependent_order, service_user, planner, reviewer
):
    console = csp_violations(page)
    number = dependent_order.number

    log_in(page, live_server, "service", f"/orders/{number}/")
    page.get_by_role("link", name="Raise a change order").click()
    page.get_by_label("Why the requirements change").fill("Customer needs 400 parts")
    page.get_by_label("How the change reached us").select_option("email")
    page.get_by_label("Who asked for it").fill("Jo Buyer (purchasing)")
    page.get_by_role("button", name="Start the change order").click()
    expect(page.get_by_label("Quantity")).to_have_value("250")
    page.get_by_label("Quantity").fill("400")
    page.get_by_role("button", name="Submit the change for review").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("what changed")

    # Production sees the delivery date open again, and why.
    log_in(page, live_server, "planner", "/reviews/")
    page.get_by_role("link", name=number).click()
    banner = page.get_by_text("1 verdict(s) re-opened: each says why below.")
    expect(banner).to_be_visible()
    reopened = page.locator("[data-reopened]")
    expect(reopened).to_have_text(QUANTITY_CHANGED)
    expect(page.get_by_role("group", name="Verdict of Production")).to_have_count(2)
    assert axe_violations(page, live_server.url) == []

    # Engineering takes a fresh look at its carried-forward part number.
    log_in(page, live_server, "engineer", "/reviews/")
    page.get_by_role("link", name=number).click()
    engineering = page.get_by_role("region", name="Engineering")
    engineering.get_by_text("verdict(s) carried forward").click()
    engineering.get_by_text("Re-open this carried-forward verdict").click()
    page.get_by_label("Why it needs a new look on Part number").fill(
        "Drawing revision C arrived with the change"
    )
    assert axe_violations(page, live_server.url) == []
    page.get_by_role("button", name="Re-open verdict on Part number").click()
    expect(
        page.get_by_text(
            f"Re-opened by {reviewer.printed_name}: Drawing revision C arrived with "
            "the change"
        )
    ).to_be_visible()
    assert console == []

    part = Assessment.objects.get(
        review__requirement_set__number=2, requirement__key="part_number"
    )
    assert (part.verdict, part.carried_from) == ("", None)
