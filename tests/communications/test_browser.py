"""The main communications workflows in a real browser."""

import pytest
from playwright.sync_api import Page, expect

from communications.models import Communication, OutboundNotice
from tests import factories
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_customer_service_records_a_complaint_and_closes_it(
    page: Page, live_server, service_user, customer
):
    log_in(page, live_server, "service")
    page.get_by_role("link", name="Communications").click()
    page.get_by_role("link", name="Record a communication").click()
    page.get_by_label("Customer").select_option(label=str(customer))
    page.get_by_label("Direction").select_option(label="From the customer")
    page.get_by_label("Channel").select_option(label="Phone")
    page.get_by_label("Kind").select_option(label="Complaint")
    page.get_by_label("Subject").fill("Scratched sealing faces")
    page.get_by_label("Text").fill("Three housings scratched.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scratched sealing faces")

    page.get_by_role("link", name="Home").click()
    expect(page.get_by_role("link", name="Scratched sealing faces")).to_be_visible()
    page.get_by_role("link", name="Scratched sealing faces").click()
    page.get_by_label("New state").select_option(label="Closed")
    page.get_by_role("button", name="Update").click()
    expect(
        page.get_by_text("Say how it was resolved before closing it.")
    ).to_be_visible()
    page.get_by_label("Resolution").fill("Replacements sent.")
    page.get_by_role("button", name="Update").click()
    expect(page.get_by_text("Follow-up updated.")).to_be_visible()

    complaint = Communication.objects.get()
    assert complaint.follow_up == "closed"
    assert complaint.closed_by == service_user


def test_cancelling_a_notice_asks_first(page: Page, live_server, service_user):
    notice = factories.OutboundNoticeFactory(status="failed", last_error="SMTP down")
    log_in(page, live_server, "service")
    page.get_by_role("link", name="Notices").click()
    expect(page.get_by_text("SMTP down")).to_be_visible()

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Cancel").click()
    page.wait_for_load_state("networkidle")
    notice.refresh_from_db()
    assert notice.status == "failed"

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_text("The notice is cancelled")).to_be_visible()
    assert OutboundNotice.objects.get().status == "cancelled"
