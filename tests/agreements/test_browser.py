"""Conditional acceptance in a real browser: the approver signs an order with a
condition, the customer opens the link from the decision notice and agrees, and
the order page and the acceptance record show the order accepted with the
customer's agreement."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from communications.models import NoticeKind, OutboundNotice
from tests.agreements.conftest import CONDITION
from tests.browser import axe_violations, csp_violations
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, live_server, username: str, next_url: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_the_customer_agrees_to_the_conditions_through_the_notice_link(
    page: Page, live_server, settings, assessed_with_condition, service_user, approver
):
    settings.PUBLIC_BASE_URL = live_server.url
    console = csp_violations(page)
    review = assessed_with_condition
    number = review.order.number

    # The approver signs the acceptance; the order waits for the customer.
    log_in(page, live_server, "approver", f"/reviews/{review.pk}/sign/")
    page.get_by_label("Accept — Approved: capability confirmed").check()
    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Acceptance record")
    expect(page.locator("[data-agreement-state]")).to_have_text(
        "Waiting for the customer"
    )
    page.goto(f"{live_server.url}/orders/{number}/")
    expect(page.get_by_test_id("order-status")).to_have_text(
        "Awaiting customer agreement"
    )

    # The customer follows the link in the decision e-mail, without an account.
    # The notice on file (which staff and auditors read) holds no usable link.
    notice = OutboundNotice.objects.get(kind=NoticeKind.ACCEPTANCE)
    assert notice.status == "sent"
    assert "/agreement/" not in notice.body
    [sent] = [m for m in mail.outbox if m.subject == notice.subject]
    link = re.search(r"https?://\S+/agreement/\S+/", sent.body).group(0)
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    expect(page.get_by_test_id("agreement-conditions")).to_contain_text(CONDITION)
    assert axe_violations(page, live_server.url) == []
    page.get_by_label("I agree to the conditions").check()
    page.get_by_label("Your name").fill("Jo Buyer")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Please confirm your answer"
    )
    assert axe_violations(page, live_server.url) == []
    page.get_by_role("button", name="Confirm my answer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thank you")
    expect(page.get_by_text(f"order {number} is accepted")).to_be_visible()
    # The link was for one answer.
    page.goto(link)
    expect(page.get_by_test_id("refusal-reason")).to_contain_text("already been given")

    # Customer service see the order accepted, with the customer's agreement.
    log_in(page, live_server, "service", f"/orders/{number}/")
    expect(page.get_by_test_id("order-status")).to_have_text("Accepted")
    panel = page.get_by_test_id("agreement-panel")
    expect(panel).to_contain_text("Agreed by the customer — Jo Buyer, customer portal")
    assert axe_violations(page, live_server.url) == []

    # The acceptance record shows who agreed, how, and which conditions.
    log_in(page, live_server, "approver", f"/orders/{number}/record/1/")
    expect(page.locator("[data-agreement-state]")).to_have_text(
        "Agreed by the customer"
    )
    record = page.locator("[data-agreement]")
    expect(record).to_contain_text("Jo Buyer, customer portal")
    expect(record).to_contain_text(CONDITION)
    expect(record).to_contain_text("revision 1")
    assert console == []
