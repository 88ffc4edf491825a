"""Daily-use items that happen in the browser."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from orders.models import Channel, PortalLink
from requirements import services as req_services
from tests import factories
from tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(service_user):
    version = factories.published_version(questions=1)
    return req_services.intake_start(
        user=service_user,
        form_version=version,
        channel=Channel.EMAIL,
        customer=factories.CustomerFactory(),
        requested_date=datetime.date(2030, 5, 1),
    )


def test_reloading_after_creating_a_portal_link_creates_no_second_one(
    page: Page, live_server, service_user, draft
):
    log_in(page, live_server.url, "service")
    page.goto(f"{live_server.url}/orders/{draft.order.number}/portal-link/")
    page.get_by_label("Label (optional)").fill("Jo Buyer")
    page.get_by_role("button", name="Create a new link").click()
    expect(page.get_by_label("Portal link")).to_be_visible()
    page.reload()
    expect(page.get_by_role("cell", name="Jo Buyer")).to_be_visible()
    expect(page.get_by_label("Portal link")).to_have_count(0)
    assert PortalLink.objects.count() == 1


def test_the_draft_header_date_is_a_date_input_kept_on_save(
    page: Page, live_server, service_user, draft
):
    log_in(page, live_server.url, "service")
    page.goto(f"{live_server.url}/orders/{draft.order.number}/edit/")
    date = page.get_by_label("Requested delivery date")
    expect(date).to_have_attribute("type", "date")
    expect(date).to_have_value("2030-05-01")
    page.get_by_label("Yes: a purchase order", exact=False).check()
    page.get_by_role("button", name="Save draft").first.click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    expect(page.get_by_label("Requested delivery date")).to_have_value("2030-05-01")
    draft.order.refresh_from_db()
    assert draft.order.requested_date == datetime.date(2030, 5, 1)
