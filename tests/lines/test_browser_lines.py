"""Lines in a real browser: add, copy, remove and move without reloading, then
Save draft keeps every line as it was left, each with its own key."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from requirements.models import RequirementSet
from tests.browser import csp_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_customer_service_adds_copies_removes_and_moves_lines(
    page: Page, live_server, service_user, lines_draft
):
    blocked = csp_violations(page)
    log_in(page, live_server.url, "service")
    url = reverse("orders:order_edit", args=[lines_draft.order.number])
    page.goto(f"{live_server.url}{url}")
    line1 = page.get_by_role("region", name="Line 1")
    expect(line1.get_by_label("Part number")).to_have_value("AB-1")

    line1.get_by_role("button", name="Copy").click()
    copy = page.get_by_role("region", name="Copy (new)")
    expect(copy.get_by_label("Part number")).to_have_value("AB-1")
    copy.get_by_label("Quantity").fill("7")
    page.get_by_role("region", name="Line 2").get_by_role(
        "button", name="Remove"
    ).click()
    expect(page.get_by_role("region", name="Line 2")).to_have_count(0)
    page.get_by_role("button", name="Add line").click()
    new = page.get_by_role("region", name="New line")
    new.get_by_label("Part number").fill("AB-9 <script>alert(1)</script>")
    new.get_by_label("Quantity").fill("3")
    new.get_by_role("button", name="Move up").click()
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_text("Draft saved").first).to_be_visible()
    draft = RequirementSet.objects.get(pk=lines_draft.pk)
    entries = draft.answers["@lines"]["Lines"]
    assert [e["answers"]["part"] for e in entries] == [
        "AB-1",
        "AB-9 <script>alert(1)</script>",
        "AB-1",
    ]
    assert entries[2]["answers"]["qty"] == 7
    keys = [e["line"] for e in entries]
    assert keys[0] == "L1" and "L2" not in keys and len(set(keys)) == 3
    # The saved page shows the lines again under their numbers, text as text.
    expect(page.get_by_role("region", name="Line 1")).to_have_count(1)
    expect(page.get_by_role("region", name="Line 2")).to_have_count(0)
    assert blocked == []


def test_without_javascript_the_line_buttons_still_work(
    browser, live_server, service_user, lines_draft
):
    """Each button saves the draft and shows the page again with the line added,
    moved, removed or copied; what was typed stays (the form takes 3 lines)."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "service")
        url = reverse("orders:order_edit", args=[lines_draft.order.number])
        page.goto(f"{live_server.url}{url}")
        page.get_by_role("region", name="Line 1").get_by_label("Quantity").fill("650")

        def press(region: str, button: str) -> None:
            with page.expect_navigation():
                page.get_by_role("region", name=region).get_by_role(
                    "button", name=button
                ).click()
            expect(page.get_by_text("Draft saved").first).to_be_visible()

        with page.expect_navigation():
            page.get_by_role("button", name="Add line").click()
        expect(page.get_by_text("Draft saved").first).to_be_visible()
        page.get_by_role("region", name="Line 3").get_by_label("Part number").fill(
            "AB-3"
        )
        press("Line 3", "Move up")
        press("Line 2", "Remove")
        press("Line 1", "Copy")
        expect(page.get_by_role("region", name="Line 2")).to_have_count(0)
    finally:
        context.close()
    draft = RequirementSet.objects.get(pk=lines_draft.pk)
    entries = draft.answers["@lines"]["Lines"]
    assert [e["line"] for e in entries] == ["L1", "L4", "L3"]
    assert [e["answers"].get("part") for e in entries] == ["AB-1", "AB-1", "AB-3"]
    assert entries[0]["answers"]["qty"] == 650 and entries[1]["answers"]["qty"] == 650
