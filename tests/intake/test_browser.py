import pytest
from playwright.sync_api import Page, expect

from orders import services
from orders.models import Channel, Order
from requirements import services as req_services
from requirements.models import RequirementSet
from tests.browser import axe_violations, csp_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_customer_service_enters_a_phone_order_and_submits_it(
    page: Page, live_server, service_user, customer, intake_version
):
    log_in(page, live_server.url, "service")
    page.get_by_role("link", name="Orders").first.click()
    page.get_by_role("link", name="New order").click()
    page.get_by_label("Customer", exact=True).select_option(label=str(customer))
    page.get_by_label("Order form").select_option(label="Machined parts")
    page.get_by_label("Channel").select_option(label="Phone")
    page.get_by_label("Customer's reference").fill("Call with Jo, 10:40")
    # a phone call is no documented statement: choosing the channel says so, and the
    # requirements are confirmed with the customer later
    expect(page.get_by_label("No (phone, meeting)", exact=False)).to_be_checked()
    page.get_by_role("button", name="Save draft and answer the form").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Draft SO-")
    page.get_by_label("Part number").fill("AX-100")
    page.get_by_label("Quantity").fill("250")
    certificate = page.get_by_text("Certificate type")
    expect(certificate).to_be_hidden()
    page.get_by_label("Yes", exact=True).check()
    expect(certificate).to_be_visible()
    page.get_by_label("3.2").check()
    page.get_by_role("button", name="Submit for review").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Awaiting review")
    expect(page.get_by_text("must be confirmed with them")).to_be_visible()
    expect(page.get_by_role("cell", name="3.2")).to_be_visible()
    order = Order.objects.get()
    assert order.status == Order.Status.AWAITING_REVIEW
    assert order.channel == Channel.PHONE
    assert order.revisions.get().requirements.count() == 4

    page.get_by_role("link", name="Record customer confirmation").click()
    assert axe_violations(page, live_server.url) == []
    page.get_by_label("How the customer confirmed").fill("Read back to Jo by phone")
    page.get_by_label("Summary").fill("Requirements read back to Jo")
    page.get_by_role("button", name="Record confirmation").click()
    expect(page.get_by_text("Read back to Jo by phone").first).to_be_visible()
    # The conversation is on file with the order, and the confirmation points at it.
    expect(
        page.get_by_role("link", name="Requirements read back to Jo").first
    ).to_be_visible()


def test_a_customer_fills_in_the_portal_form(
    page: Page, live_server, service_user, customer, intake_version
):
    revision = req_services.intake_start(
        user=service_user,
        form_version=intake_version,
        channel=Channel.EMAIL,
        customer=customer,
        answers={"part_number": "AX-7"},
    )
    _, token = services.portal_link_create(order=revision.order, user=service_user)

    page.goto(f"{live_server.url}/portal/{token}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(revision.order.number)
    expect(page.get_by_label("Part number")).to_have_value("AX-7")
    page.get_by_label("Quantity").fill("0")
    page.get_by_label("No", exact=True).check()
    expect(page.get_by_text("Certificate type")).to_be_hidden()
    page.get_by_role("button", name="Submit order").click()
    expect(page.get_by_text("Please check the marked answers")).to_be_visible()
    expect(page.get_by_label("Part number")).to_have_value("AX-7")
    page.get_by_label("Quantity").fill("12")
    page.get_by_label("Notes").fill("Anodised, black")
    page.get_by_role("button", name="Submit order").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("is with us")
    revision.refresh_from_db()
    assert revision.state == RequirementSet.State.SUBMITTED
    assert revision.order.status == Order.Status.AWAITING_REVIEW
    assert revision.requirements.get(key="notes").value == "Anodised, black"


def test_intake_pages_are_accessible_and_keep_the_content_security_policy(
    page: Page, live_server, service_user, customer, intake_version
):
    revision = req_services.intake_start(
        user=service_user,
        form_version=intake_version,
        channel=Channel.EMAIL,
        customer=customer,
        answers={"part_number": "AX-7"},
    )
    number = revision.order.number
    _, token = services.portal_link_create(order=revision.order, user=service_user)
    console = csp_violations(page)
    public = [f"/portal/{token}/", "/catalog/machined-parts/request/"]
    for path in public:
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page, live_server.url) == [], path
    log_in(page, live_server.url, "service")
    staff = [
        "/orders/",
        "/orders/new/",
        f"/orders/{number}/",
        f"/orders/{number}/edit/",
        f"/orders/{number}/confirmation/",
        f"/orders/{number}/portal-link/",
        f"/orders/{number}/requirements/add/",
        "/customers/",
        f"/customers/{customer.pk}/",
        "/customers/new/",
    ]
    for path in staff:
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page, live_server.url) == [], path
    assert console == []
