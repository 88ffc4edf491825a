import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from reviews.models import Decision
from tests.audit import builders
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_auditor_follows_an_order_from_timeline_to_field_changes(
    page: Page, live_server, auditor, service_user, approver
):
    order, revision, _ = builders.submitted_order(by=service_user)
    review = builders.open_review(revision, by=approver)
    builders.decide(review, outcome=Decision.Outcome.ACCEPT, by=approver)
    _log_in(page, live_server, "auditor")
    page.get_by_role("link", name="Audit").first.click()
    page.get_by_label("Order number").fill(order.number)
    page.get_by_label("Record type").select_option("orders.order")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name=f"History of Order #{order.pk}").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"History of Order #{order.pk}"
    )
    expect(page.get_by_role("cell", name="Accepted").first).to_be_visible()
    page.get_by_role("link", name="See this order as of a moment").click()
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Accepted")
    expect(page.get_by_test_id("decision")).to_have_text("Accepted")


def test_approver_sees_the_dashboard_charts_drawn(
    page: Page, live_server, approver, service_user
):
    # The figures' snapshot lives in the database cache table, which a flush
    # between transactional tests leaves alone: an earlier test's snapshot (same
    # day, minutes old) would be shown as the worker-less page is allowed to.
    cache.clear()
    order, revision, _ = builders.submitted_order(by=service_user)
    review = builders.open_review(revision, by=approver)
    builders.decide(review, outcome=Decision.Outcome.ACCEPT, by=approver)
    _log_in(page, live_server, "approver")
    expect(page.get_by_role("heading", name="Orders by status")).to_be_visible()
    page.wait_for_function(
        "() => window.Chart && Chart.getChart('chart-status')"
        " && Chart.getChart('chart-turnaround')"
    )
    values = page.evaluate("() => Chart.getChart('chart-status').data.datasets[0].data")
    # Draft, awaiting, in review, accepted, accepted with a change in review,
    # rejected, awaiting the customer's agreement, conditions declined.
    assert values == [0, 0, 0, 1, 0, 0, 0, 0]
