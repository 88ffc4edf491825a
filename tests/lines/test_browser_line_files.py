"""A line's file in a real browser: chosen in line 2, kept after Save draft (and a
copy of the line starts without it), then named with its SHA-256 on the order
page after submitting."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from orders.models import Order
from requirements.models import RequirementSet
from tests.browser import csp_violations, log_in
from tests.lines.conftest import PDF, PDF_SHA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_customer_service_uploads_a_drawing_in_line_2_and_submits(
    page: Page, live_server, service_user, file_lines_draft
):
    blocked = csp_violations(page)
    log_in(page, live_server.url, "service")
    number = file_lines_draft.order.number
    page.goto(f"{live_server.url}{reverse('orders:order_edit', args=[number])}")
    line2 = page.get_by_role("region", name="Line 2")
    line2.get_by_label("Drawing").set_input_files(
        {"name": "bracket <i>2.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_text("Draft saved").first).to_be_visible()
    line2 = page.get_by_role("region", name="Line 2")
    expect(line2.get_by_text("Stored: bracket_i2.pdf")).to_be_visible()
    expect(
        page.get_by_role("region", name="Line 1").get_by_text("Stored:")
    ).to_have_count(0)
    draft = RequirementSet.objects.get(pk=file_lines_draft.pk)
    assert draft.answers["@lines"]["Lines"][1]["answers"]["drawing"]["sha256"] == (
        PDF_SHA
    )

    # A copy of line 2 starts without its file.
    line2.get_by_role("button", name="Copy").click()
    copy = page.get_by_role("region", name="Copy (new)")
    expect(copy.get_by_label("Part number")).to_have_value("AB-2")
    expect(copy.get_by_text("Stored:")).to_have_count(0)
    copy.get_by_role("button", name="Remove").click()

    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("submitted for review").first).to_be_visible()
    order = Order.objects.get(number=number)
    assert order.status == Order.Status.AWAITING_REVIEW
    expect(page.get_by_text(f"bracket_i2.pdf (SHA-256 {PDF_SHA})")).to_be_visible()
    assert blocked == []
