"""A reviewer on an order with lines in a real browser: the page groups the
lines, the bulk action leaves one ticked exception open after a confirmation
that says how many it marks."""

import re

import pytest
from playwright.sync_api import Page, expect

from reviews.models import Assessment
from tests.browser import axe_violations, csp_violations, log_in
from tests.reviews.lines_world import submit_lines_revision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reviewer_marks_every_line_but_one_exception_as_can_meet(
    page: Page, live_server, reviewer, engineering, production
):
    blocked = csp_violations(page)
    review = submit_lines_revision(3)
    exception = review.assessments.get(requirement__key="L2.thickness")
    log_in(page, live_server.url, "engineer")
    page.goto(f"{live_server.url}/reviews/{review.pk}/")
    # One group per line, each naming what is open there.
    line2 = page.locator("details#line-L2")
    expect(line2.locator("summary")).to_contain_text("Line 2")
    expect(line2.locator("summary")).to_contain_text("3 open")
    expect(line2.locator("summary")).to_contain_text("2 for you")
    assert axe_violations(page, live_server.url) == []

    page.get_by_role("link", name="Mark all my open items as can meet…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("as can meet")
    expect(page.get_by_text("You have 7 open item(s)")).to_be_visible()
    page.locator('details[data-line="L2"] summary').click()
    page.get_by_role("checkbox", name=re.compile("Line 2 · Coating thickness")).check()
    assert axe_violations(page, live_server.url) == []
    page.get_by_role("button", name="Continue: see how many will be marked").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "6 requirement(s) will be marked"
    )
    expect(page.locator("[data-exceptions]")).to_contain_text(
        "Line 2 · Coating thickness"
    )
    page.get_by_role("button", name="Mark 6 item(s) as can meet").click()

    expect(
        page.get_by_role("status").filter(has_text="Marked 6 requirement(s)")
    ).to_be_visible()
    verdicts = dict(
        Assessment.objects.filter(review=review, discipline=engineering).values_list(
            "requirement__key", "verdict"
        )
    )
    assert verdicts.pop("L2.thickness") == ""
    assert set(verdicts.values()) == {"can_meet"} and len(verdicts) == 6
    assert Assessment.objects.get(pk=exception.pk).assessed_by is None
    # Production's items were not the reviewer's to mark.
    assert (
        not Assessment.objects.filter(review=review, discipline=production)
        .exclude(verdict="")
        .exists()
    )
    # Line 2 still has work for this reviewer: unfolded; line 1 is done: folded.
    expect(page.locator("details#line-L2")).to_have_attribute("open", "")
    expect(page.locator("details#line-L1")).not_to_have_attribute("open", "")
    assert blocked == []
