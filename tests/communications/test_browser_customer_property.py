"""Issue 21 (8.2.1 d, 8.5.3) in a real browser: customer service records what the
customer sent for an order, reports damage to the customer and closes the follow-up;
axe on every page it touches."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from communications.models import Communication, CustomerProperty
from tests import factories
from tests.browser import axe_violations, csp_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_customer_property_from_receipt_to_a_closed_damage_report(
    page: Page, live_server, service_user
):
    order = factories.OrderFactory()
    csp = csp_violations(page)
    log_in(page, live_server.url, "service")
    page.goto(live_server.url + reverse("orders:order_detail", args=[order.number]))
    expect(page.get_by_text("Nothing received from the customer")).to_be_visible()

    page.get_by_role("link", name="Record customer property").click()
    expect(page.get_by_label("Order number")).to_have_value(order.number)
    page.get_by_label("What it is").select_option(label="Tooling or gauges")
    page.get_by_label("Description").fill("Drill jig J-7 <b>bold</b>")
    page.get_by_label("Condition on receipt").fill("Good; one pin worn")
    page.get_by_label("Where it is kept").fill("Tool store, shelf 3")
    assert axe_violations(page, live_server.url) == []
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Drill jig J-7 <b>bold</b>"
    )
    expect(page.get_by_text("Held", exact=True)).to_be_visible()
    assert axe_violations(page, live_server.url) == []

    # Nothing said yet: the form comes back with the message, the choice kept.
    page.get_by_role("radio", name="Damaged").check()
    page.get_by_role("button", name="Record the problem").click()
    expect(page.get_by_text("This field is required.")).to_be_visible()
    expect(page.get_by_role("radio", name="Damaged")).to_be_checked()
    page.get_by_label("What happened, and what you told the customer").fill(
        "Dropped at set-up. Told Jo by phone; they send a new one."
    )
    page.get_by_role("button", name="Record the problem").click()

    expect(page.get_by_text("follow-up open")).to_be_visible()
    item = CustomerProperty.objects.get()
    assert item.problem_report.kind == Communication.Kind.CUSTOMER_PROPERTY
    page.get_by_role("link", name="Your property: damaged: Drill jig J-7").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your property")
    page.go_back()

    page.get_by_label("How it was resolved").fill("New jig received 3 Dec")
    page.get_by_role("button", name="Close").click()
    expect(page.get_by_text("problem closed", exact=True)).to_be_visible()
    item.refresh_from_db()
    assert item.resolved_by == service_user

    page.goto(live_server.url + reverse("orders:order_detail", args=[order.number]))
    expect(
        page.get_by_role("link", name="Drill jig J-7 <b>bold</b>", exact=True)
    ).to_be_visible()
    page.get_by_role("link", name="Customer property").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Customer property")
    assert axe_violations(page, live_server.url) == []
    assert csp == []
