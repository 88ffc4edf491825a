"""A change order in a real browser: raised, submitted, acknowledged, re-reviewed
for what changed only, and signed."""

import pytest
from playwright.sync_api import Page, expect

from orders.models import Order
from requirements.models import ChangeNotification, RequirementSet
from reviews.models import Signature
from tests.browser import axe_violations, csp_violations
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, live_server, username: str, next_url: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_change_order_is_re_reviewed_for_what_changed_and_signed(
    page: Page, live_server, accepted_order, service_user, planner, approver
):
    console = csp_violations(page)
    number = accepted_order.number
    order_path = f"/orders/{number}/"

    # Customer service raises the change from the order page.
    log_in(page, live_server, "service", order_path)
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    page.get_by_role("link", name="Raise a change order").click()
    assert axe_violations(page, live_server.url) == []
    page.get_by_label("Why the requirements change").fill("Customer needs 500 parts")
    page.get_by_label("How the change reached us").select_option("email")
    page.get_by_label("Who asked for it").fill("Jo Buyer (purchasing)")
    page.get_by_role("button", name="Start the change order").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("revision 2 (draft)")
    expect(page.get_by_label("Quantity")).to_have_value("250")
    assert axe_violations(page, live_server.url) == []
    page.get_by_label("Quantity").fill("500")
    page.get_by_role("button", name="Submit the change for review").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("what changed")
    expect(page.locator("td.diff-removed", has_text="250")).to_be_visible()
    expect(page.locator("td.diff-changed", has_text="500")).to_be_visible()
    assert axe_violations(page, live_server.url) == []

    # The production reviewer is made aware and acknowledges.
    log_in(page, live_server, "planner", "/")
    page.get_by_role("link", name=f"{number}, revision 2").click()
    assert axe_violations(page, live_server.url) == []
    page.get_by_label("I have read what changed").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My notifications")
    assert axe_violations(page, live_server.url) == []

    # Only the changed quantity needs a verdict: the rest is carried forward.
    page.get_by_role("link", name="My reviews").click()
    page.get_by_role("link", name=number).click()
    expect(page.get_by_text("2 assessment(s) carried forward")).to_be_visible()
    assert axe_violations(page, live_server.url) == []
    page.get_by_label("Can meet", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Saved")).to_be_visible()

    # The approver signs exactly as for a first review.
    review = RequirementSet.objects.get(order=accepted_order, number=2).review
    log_in(page, live_server, "approver", f"/reviews/{review.pk}/")
    page.get_by_role("link", name="Sign decision").click()
    page.get_by_label("Accept — Approved: capability confirmed").check()
    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Acceptance record")
    expect(page.get_by_text("Verified: hashes recomputed")).to_be_visible()

    # The order page's history shows both revisions accepted.
    page.goto(f"{live_server.url}{order_path}")
    history = page.get_by_role("region", name="Revision history")
    expect(history).to_contain_text("Customer needs 500 parts")
    expect(history.get_by_text("Accepted")).to_have_count(2)
    assert axe_violations(page, live_server.url) == []
    assert console == []

    accepted_order.refresh_from_db()
    assert accepted_order.status == Order.Status.ACCEPTED
    assert Signature.objects.count() == 2
    acknowledged = ChangeNotification.objects.get(user=planner)
    assert acknowledged.acknowledged_at is not None
