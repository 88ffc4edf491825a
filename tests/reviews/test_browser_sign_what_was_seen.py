"""In a browser: the approver signs what the sign page showed, or nothing."""

import pytest
from playwright.sync_api import Page, expect

from reviews import services
from reviews.models import Signature
from tests.factories import TEST_PASSWORD
from tests.reviews.conftest import assess, slot, submit_revision
from tests.reviews.test_browser_review import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_verdict_changed_while_the_sign_page_is_open_is_shown_not_signed(
    page: Page, live_server, reviewer, approver, engineering
):
    review = submit_revision(engineering)
    assess(slot(review, engineering), reviewer)
    sign_url = f"/reviews/{review.pk}/sign/"
    log_in(page, live_server, approver.username, sign_url)
    expect(page.get_by_role("heading", name="What you sign")).to_be_visible()
    expect(page.locator("[data-to-sign]")).to_contain_text("Can meet")

    # Meanwhile the reviewer attaches a condition.
    current = slot(review, engineering)
    services.assessment_record(
        assessment=current,
        user=reviewer,
        verdict="conditions",
        note="Only with 3.1 certificates",
        version=current.version,
    )

    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_label("Accept — Approved: capability confirmed").check()
    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign").click()

    expect(page.locator("[data-content-changed]")).to_contain_text(
        "Only with 3.1 certificates"
    )
    expect(page.get_by_text("changed after this page was opened")).to_be_visible()
    expect(page.locator("[data-to-sign]")).to_contain_text("Can meet with conditions")
    assert not Signature.objects.exists()

    # Read again, signed again: the signature covers the condition.
    page.get_by_label("Accept — Approved: capability confirmed").check()
    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign").click()
    expect(page.get_by_text("Decision signed.")).to_be_visible()
    verdicts = [a["verdict"] for a in Signature.objects.get().content["assessments"]]
    assert verdicts == ["conditions"]
