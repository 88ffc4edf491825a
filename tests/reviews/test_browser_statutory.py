"""A reviewer confirms a statutory requirement in the browser; the approver cannot
accept until it is confirmed, and the record lists it."""

import pytest
from playwright.sync_api import Page, expect

from reviews.models import StatutoryCheck
from tests import factories
from tests.browser import axe_violations, csp_violations
from tests.reviews.conftest import submit_revision
from tests.reviews.test_browser_review import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROHS = "Directive 2011/65/EU (RoHS)"


def test_a_reviewer_confirms_a_statutory_requirement_in_place(
    page: Page, live_server, reviewer, engineering
):
    console = csp_violations(page)
    factories.StatutoryRequirementFactory(
        reference=ROHS,
        title="Hazardous substances",
        discipline=engineering,
        all_forms=True,
        link="https://eur-lex.europa.eu/eli/dir/2011/65/oj",
    )
    review = submit_revision(engineering)
    review_url = f"{live_server.url}/reviews/{review.pk}/"
    log_in(page, live_server, "engineer", f"/reviews/{review.pk}/")
    expect(
        page.get_by_text("Statutory and regulatory requirements to confirm")
    ).to_be_visible()
    assert axe_violations(page, live_server.url) == []

    check = page.locator("[data-statutory-check]")
    check.get_by_label("Cannot comply").check()
    check.get_by_role("button", name=f"Save check of {ROHS}").click()
    # The reason is required: shown beside the field, nothing saved.
    expect(page.get_by_text("Say why we cannot comply with it.")).to_be_visible()
    assert StatutoryCheck.objects.get().state == "pending"

    check = page.locator("[data-statutory-check]")
    check.get_by_label("Not applicable to this order").check()
    check.get_by_label(f"Reason for {ROHS}").fill("No electrical parts")
    check.get_by_role("button", name=f"Save check of {ROHS}").click()
    expect(page.get_by_role("status").filter(has_text="Saved")).to_be_visible()
    expect(page).to_have_url(review_url)
    expect(page.get_by_text("No electrical parts").first).to_be_visible()
    assert axe_violations(page, live_server.url) == []
    assert console == []
    saved = StatutoryCheck.objects.get()
    assert (saved.state, saved.checked_by) == ("not_applicable", reviewer)
