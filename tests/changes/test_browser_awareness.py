"""Signing a change in a real browser while someone told of it has not acknowledged
it: the sign page shows who, and the record keeps it (ISO 9001 8.2.4)."""

import pytest
from playwright.sync_api import Page, expect

from orderreview import roles
from orders.models import RequirementCategory
from requirements.models import AwarenessRule
from reviews.models import Decision, Review
from tests.browser import axe_violations, csp_violations, log_in
from tests.changes.conftest import assess_all, raise_change
from tests.conftest import _user_with_role
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signing_a_change_shows_the_outstanding_acknowledgement_and_records_it(
    page: Page, live_server, accepted_order, service_user, team, approver
):
    console = csp_violations(page)
    purchaser = _user_with_role("purchaser", roles.MADE_AWARE)
    purchaser.first_name, purchaser.last_name = "Pat", "Purchasing"
    purchaser.save()
    rule = AwarenessRule.objects.create(
        name="Purchasing buys for deliveries", category=RequirementCategory.DELIVERY
    )
    rule.users.add(purchaser)
    revision = raise_change(accepted_order, service_user, {"quantity": 500})
    review = Review.objects.get(requirement_set=revision)
    assess_all(review, team)

    log_in(page, live_server.url, "approver")
    page.goto(f"{live_server.url}/reviews/{review.pk}/sign/")
    outstanding = page.locator("[data-outstanding-acknowledgements]")
    expect(outstanding).to_contain_text("Pat Purchasing")
    expect(outstanding).to_contain_text("Made aware: Purchasing buys for deliveries")
    expect(outstanding).to_contain_text("you may still sign")
    assert axe_violations(page, live_server.url) == []

    page.get_by_label("Accept — Approved: capability confirmed").check()
    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Acceptance record")
    acknowledgements = page.locator("[data-acknowledgements]")
    expect(
        acknowledgements.get_by_role("listitem").filter(has_text="Pat Purchasing")
    ).to_contain_text("not acknowledged at signing")
    assert axe_violations(page, live_server.url) == []
    assert console == []
    assert Decision.objects.get(review=review).outcome == Decision.Outcome.ACCEPT
