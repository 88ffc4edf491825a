"""Issue 14, daily use, in a real browser: names a screen reader announces, the
preview's line breaks, read-only pages, and axe on every page these items touch."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser import axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_each_catalog_button_is_named_after_its_offering(page: Page, live_server):
    for name in ("Precision turning", "Sheet metal"):
        factories.OfferingFactory(name=name)

    page.goto(f"{live_server.url}/catalog/")

    for name in ("Precision turning", "Sheet metal"):
        link = page.get_by_role("link", name=f"Request a quote or order for {name}")
        expect(link).to_have_count(1)
        expect(link).to_be_visible()
    assert axe_violations(page, live_server.url) == []


def test_the_template_preview_shows_the_e_mails_line_breaks(
    page: Page, live_server, form_admin
):
    log_in(page, live_server.url, "formadmin")
    page.goto(
        live_server.url
        + reverse("communications:template_edit", args=["acknowledgement"])
    )

    preview = page.get_by_test_id("preview-body")
    text = preview.inner_text()
    assert "Dear Jo Buyer,\n" in text
    assert "Kind regards,\nCustomer service" in text
    assert axe_violations(page, live_server.url) == []


def test_an_auditor_reads_a_notice_template_without_inputs(
    page: Page, live_server, auditor
):
    log_in(page, live_server.url, "auditor")
    page.goto(
        live_server.url
        + reverse("communications:template_edit", args=["acknowledgement"])
    )

    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    expect(page.get_by_test_id("template-subject")).to_have_text(
        "We have received your order {{ order_number }}"
    )
    assert axe_violations(page, live_server.url) == []


def test_notice_and_communication_pages_pass_axe(page: Page, live_server, service_user):
    notice = factories.OutboundNoticeFactory(
        status="failed",
        last_error="The customer has no e-mail address.",
        earlier_attempts=[
            {
                "until": "2026-11-30T10:00:00+00:00",
                "to_address": "",
                "subject": "Old subject",
                "body": "Old text",
                "attempts": 0,
                "error": "The customer has no e-mail address.",
            }
        ],
    )
    complaint = factories.CommunicationFactory(
        kind="complaint", customer=notice.customer, order=notice.order
    )
    log_in(page, live_server.url, "service")

    page.goto(live_server.url + notice.get_absolute_url())
    expect(page.get_by_role("heading", name="Earlier attempts")).to_be_visible()
    assert axe_violations(page, live_server.url) == []

    page.goto(live_server.url + complaint.get_absolute_url())
    expect(page.get_by_text("Open, received just now")).to_be_visible()
    page.get_by_role("link", name=notice.order.number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(notice.order.number)

    page.goto(live_server.url + reverse("home"))
    expect(page.get_by_text("Notices that could not be sent")).to_be_visible()
    assert axe_violations(page, live_server.url) == []


def test_a_notice_shows_the_e_mail_with_its_line_breaks(
    page: Page, live_server, service_user
):
    # Bootstrap's text-wrap is white-space: normal: the e-mail that goes out as
    # three paragraphs was read back on its page as one.
    notice = factories.OutboundNoticeFactory(
        body="Dear Jo,\n\nthank you.\n\nKind regards,\nCustomer service"
    )
    log_in(page, live_server.url, "service")

    page.goto(live_server.url + notice.get_absolute_url())

    text = page.get_by_text("Dear Jo,").inner_text()
    assert "Dear Jo,\n\nthank you." in text
    assert "Kind regards,\nCustomer service" in text


def test_an_auditor_reads_a_notice_template_with_its_line_breaks(
    page: Page, live_server, auditor
):
    log_in(page, live_server.url, "auditor")
    page.goto(
        live_server.url
        + reverse("communications:template_edit", args=["acknowledgement"])
    )

    text = page.get_by_test_id("template-body").inner_text()
    assert "Kind regards,\nCustomer service" in text
