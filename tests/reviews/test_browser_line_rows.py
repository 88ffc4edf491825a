"""A folded line of a long order in a real browser: unfolding it reads its rows,
a verdict saved in it changes its counts; with JavaScript off, the link inside it
opens the page with the line shown."""

import re

import pytest
from playwright.sync_api import Page, expect

from reviews.models import Assessment
from reviews.page_views import LINES_SHOWN
from tests.browser import axe_violations, csp_violations, log_in
from tests.reviews.lines_world import submit_lines_revision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# One line more than the page shows unfolded: the last one starts folded although
# it has work for the engineer.
LINES = LINES_SHOWN + 1
LAST = f"L{LINES}"


def test_reviewer_unfolds_a_line_assesses_an_item_and_sees_its_counts_change(
    page: Page, live_server, reviewer, engineering, production
):
    blocked = csp_violations(page)
    review = submit_lines_revision(LINES)
    thickness = review.assessments.get(requirement__key=f"{LAST}.thickness")
    log_in(page, live_server.url, "engineer")
    page.goto(f"{live_server.url}/reviews/{review.pk}/")
    line = page.locator(f"details#line-{LAST}")
    summary = line.locator("summary")
    expect(line).not_to_have_attribute("open", "")
    expect(summary).to_contain_text("3 open")
    expect(summary).to_contain_text("2 for you")
    expect(page.locator(f"#a{thickness.pk}")).to_have_count(0)

    summary.click()
    row = line.locator(f"#a{thickness.pk}")
    expect(row).to_contain_text(f"Line {LINES} · Coating thickness")
    assert axe_violations(page, live_server.url) == []
    row.get_by_label("Can meet with conditions").check()
    row.get_by_label(re.compile("^Conditions or reason")).fill("Only up to 20 µm")
    row.get_by_role("button", name="Save").click()

    expect(line.locator(f"#a{thickness.pk}")).to_contain_text("Saved")
    expect(summary).to_contain_text("2 open")
    expect(summary).to_contain_text("1 for you")
    expect(page.locator(f"#pending-{LAST}-engineering")).to_have_text("1 open")
    expect(page.locator("#pending-total")).to_have_text(str(3 * LINES))
    saved = Assessment.objects.get(pk=thickness.pk)
    assert (saved.verdict, saved.note) == ("conditions", "Only up to 20 µm")
    assert blocked == []


def test_without_javascript_a_folded_line_opens_through_the_page(
    browser, live_server, reviewer, engineering, production
):
    review = submit_lines_revision(LINES)
    thickness = review.assessments.get(requirement__key=f"{LAST}.thickness")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "engineer")
        page.goto(f"{live_server.url}/reviews/{review.pk}/")
        line = page.locator(f"details#line-{LAST}")
        line.locator("summary").click()
        with page.expect_navigation():
            line.get_by_role("link", name=f"Show the 3 item(s) of Line {LINES}").click()
        line = page.locator(f"details#line-{LAST}")
        expect(line).to_have_attribute("open", "")
        row = line.locator(f"#a{thickness.pk}")
        row.get_by_label("Can meet", exact=True).check()
        with page.expect_navigation():
            row.get_by_role("button", name="Save").click()
        # Back on the page with the line shown and its counts one less.
        line = page.locator(f"details#line-{LAST}")
        expect(line).to_have_attribute("open", "")
        expect(line.locator("summary")).to_contain_text("2 open")
        expect(line.locator(f"#a{thickness.pk}")).to_contain_text("Can meet")
    finally:
        context.close()
