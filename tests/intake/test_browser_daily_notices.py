"""Issue 14, daily use, in a real browser: an unsendable acknowledgement is seen and
fixed from the order page; a catalog request gets its reference and keeps its
requester's contact details."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from communications.models import OutboundNotice
from orders.models import Order
from tests import factories
from tests.browser import axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _answer_the_form(page: Page) -> None:
    page.get_by_label("Part number").fill("AX-100")
    page.get_by_label("Quantity").fill("250")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("3.2").check()


def test_an_acknowledgement_without_address_is_fixed_and_retried_from_the_order(
    page: Page, live_server, service_user, intake_version
):
    log_in(page, live_server.url, "service")
    page.goto(f"{live_server.url}/orders/new/")
    expect(page.get_by_text("without an e-mail address no notice")).to_be_visible()
    page.get_by_label("New customer: name").fill("Quiet Co")
    page.get_by_label("New customer: account code").fill("QUIET-1")
    page.get_by_label("Order form").select_option(label="Machined parts")
    page.get_by_label("Channel").select_option(label="Phone")
    page.get_by_role("button", name="Save draft and answer the form").click()
    expect(page.get_by_text("Quiet Co has no e-mail address")).to_be_visible()

    _answer_the_form(page)
    page.get_by_role("button", name="Submit for review").click()

    warning = page.get_by_role("region", name="Not sent to the customer")
    expect(warning).to_contain_text("The customer has no e-mail address.")
    assert axe_violations(page, live_server.url) == []
    order_url = page.url

    warning.get_by_role("link", name=re.compile("Fix the customer's details")).click()
    page.get_by_label("Email").fill("quiet@quiet.example")
    page.get_by_label("Contact name").fill("Sam Quiet")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Customer saved.")).to_be_visible()

    page.goto(order_url)
    page.get_by_role("button", name=re.compile("Retry now")).click()
    expect(page.get_by_text("The notice is being sent again.")).to_be_visible()
    assert page.url == order_url
    expect(page.get_by_role("region", name="Not sent to the customer")).to_have_count(0)
    notice = OutboundNotice.objects.get(kind="acknowledgement")
    assert notice.status == "sent"
    assert notice.to_address == "quiet@quiet.example"
    assert "Dear Sam Quiet" in notice.body
    assert "Dear Quiet Co" in notice.earlier_attempts[0]["body"]


def test_a_catalog_visitor_gets_a_reference_and_staff_keep_their_contact(
    page: Page, live_server, service_user, intake_version
):
    factories.OfferingFactory(name="Precision turning", order_form=intake_version.form)
    page.goto(f"{live_server.url}/catalog/")
    request_link = "Request a quote or order for Precision turning"
    page.get_by_role("link", name=request_link).click()
    page.get_by_label("Your name").fill("Jo Visitor")
    page.get_by_label("Company").fill("Visit Ltd")
    page.get_by_role("textbox", name=re.compile(r"^E-mail")).fill("jo@visit.example")
    page.get_by_label("Phone").fill("+44 1234")
    _answer_the_form(page)
    page.get_by_role("button", name=re.compile("Send|Submit|Request")).click()

    order = Order.objects.get()
    expect(page.get_by_test_id("catalog-reference")).to_have_text(order.number)
    assert axe_violations(page, live_server.url) == []
    receipt = OutboundNotice.objects.get(kind="receipt")
    assert receipt.status == "sent" and receipt.to_address == "jo@visit.example"
    assert any(order.number in message.body for message in mail.outbox)

    log_in(page, live_server.url, "service")
    page.goto(f"{live_server.url}/orders/{order.number}/edit/")
    expect(page.get_by_label("New customer: name")).to_have_value("Visit Ltd")
    expect(page.get_by_label("New customer: contact e-mail")).to_have_value(
        "jo@visit.example"
    )
    expect(page.get_by_label("New customer: contact person")).to_have_value(
        "Jo Visitor"
    )
    page.get_by_label("New customer: account code").fill("VISIT-1")
    page.get_by_role("button", name="Submit for review").click()

    expect(page.get_by_text(f"{order.number} submitted for review.")).to_be_visible()
    box = page.get_by_role("status").filter(has_text="Catalog request")
    expect(box).to_contain_text("jo@visit.example")
    order.refresh_from_db()
    assert order.customer.email == "jo@visit.example"
    acknowledgement = OutboundNotice.objects.get(kind="acknowledgement")
    assert acknowledgement.status == "sent"
    assert acknowledgement.to_address == "jo@visit.example"
