"""A reviewer's day in a real browser: the keyboard path to the open items, one
named verdict saved by htmx without CSP errors, then the rest marked at once with
one exception ticked to stay open."""

import re

import pytest
from playwright.sync_api import Page, expect

from reviews.models import Assessment
from tests.browser import axe_violations, csp_violations
from tests.reviews.conftest import submit_revision
from tests.reviews.test_browser_review import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reviewer_skips_to_open_items_saves_one_and_marks_the_rest_but_one(
    page: Page, live_server, reviewer, engineering, commercial
):
    console = csp_violations(page)
    review = submit_revision(engineering, engineering, engineering, commercial)
    first, second, third = (
        review.assessments.filter(discipline=engineering)
        .select_related("requirement")
        .order_by("requirement__position")
    )
    log_in(page, live_server, "engineer", f"/reviews/{review.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review of")
    assert axe_violations(page, live_server.url) == []

    # The skip link is in the tab order and lands on the first open row.
    skip = page.get_by_role("link", name=re.compile("^Skip to my first open item"))
    skip.focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#a{first.pk}")).to_be_focused()

    # Each row's controls carry its requirement's name.
    statement = first.requirement.statement
    group = page.get_by_role("group", name=f"Verdict of Engineering on {statement}")
    group.get_by_label("Can meet", exact=True).check()
    page.get_by_role("button", name=f"Save verdict on {statement}").click()
    expect(page.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    # After the swap, the row's next-open link leads on to the next item.
    page.get_by_role(
        "link", name=f"Next open item ({second.requirement.statement})"
    ).click()
    expect(page.locator(f"#a{second.pk}")).to_be_focused()
    assert console == []

    page.get_by_role("link", name="Mark all my open items as can meet…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("as can meet")
    assert axe_violations(page, live_server.url) == []
    boxes = page.get_by_role("checkbox")
    expect(boxes).to_have_count(2)
    # The exception: ticked, it stays open for a verdict with conditions.
    page.get_by_role("checkbox", name=re.compile(third.requirement.statement)).check()
    page.get_by_role("button", name="Continue: see how many will be marked").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "1 requirement(s) will be marked"
    )
    page.get_by_role("button", name="Mark 1 item(s) as can meet").click()
    expect(
        page.get_by_role("status").filter(has_text="Marked 1 requirement(s)")
    ).to_be_visible()
    assert axe_violations(page, live_server.url) == []
    verdicts = dict(
        Assessment.objects.filter(pk__in=[first.pk, second.pk, third.pk]).values_list(
            "pk", "verdict"
        )
    )
    assert verdicts == {first.pk: "can_meet", second.pk: "can_meet", third.pk: ""}
    assert console == []
