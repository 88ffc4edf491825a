"""In a real browser: an integrations admin registers an endpoint, sends a test
ping, and sees the worker's delivery with its status in the log."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser import axe_violations, csp_violations, log_in
from webhooks.sweep import webhooks_sweep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_endpoint_is_registered_pinged_and_its_delivery_seen(
    page: Page, live_server, integrations_admin, receiver
):
    csp = csp_violations(page)
    log_in(page, live_server.url, "integrator")
    page.get_by_role("button", name=integrations_admin.printed_name).click()
    page.get_by_role("link", name="Webhooks").click()
    page.get_by_role("link", name="New endpoint").click()
    page.get_by_label("URL").fill(receiver.url)
    page.get_by_label("Description").fill("ERP <test>")
    page.get_by_label("Order submitted", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="ERP <test>")).to_be_visible()
    expect(page.get_by_test_id("webhook-secret")).to_contain_text("whsec_")
    assert axe_violations(page, live_server.url) == []
    page.get_by_role("button", name="Send a test ping").click()
    expect(page.get_by_text("Queued").first).to_be_visible()
    assert "1 delivered" in webhooks_sweep()
    page.reload()
    expect(page.get_by_text("Succeeded").first).to_be_visible()
    expect(page.get_by_role("cell", name="200", exact=False).first).to_be_visible()
    assert axe_violations(page, live_server.url) == []
    assert receiver.requests[0].headers["OrderReview-Event"] == "ping"
    assert csp == []
