import pytest
from playwright.sync_api import Page, expect

from orders.models import Order
from reviews.models import Signature
from tests.browser import axe_violations, csp_violations
from tests.factories import TEST_PASSWORD
from tests.reviews.conftest import submit_revision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, live_server, username: str, next_url: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_three_reviewers_assess_and_an_approver_signs(
    page: Page,
    live_server,
    reviewer,
    planner,
    inspector,
    approver,
    engineering,
    production,
    quality,
):
    console = csp_violations(page)
    review = submit_revision(engineering, production, quality)
    number = review.order.number
    review_url = f"{live_server.url}/reviews/{review.pk}/"

    verdicts = [
        ("engineer", "Can meet", ""),
        ("planner", "Can meet", ""),
        ("inspector", "Can meet with conditions", "Inspect every batch"),
    ]
    for username, verdict, note in verdicts:
        log_in(page, live_server, username, "/reviews/")
        expect(page.get_by_role("heading", level=1)).to_have_text("My reviews")
        assert axe_violations(page, live_server.url) == []
        page.get_by_role("link", name=number).click()
        expect(page).to_have_url(review_url)
        assert axe_violations(page, live_server.url) == []
        page.get_by_label(verdict, exact=True).check()
        if note:
            page.get_by_label("Conditions or reason").fill(note)
        page.get_by_role("button", name="Save").click()
        # htmx swapped the row in place: the saved verdict shows without a reload.
        expect(page.get_by_role("status").filter(has_text="Saved")).to_be_visible()
        expect(page).to_have_url(review_url)

    expect(page.get_by_text("Inspect every batch").first).to_be_visible()
    assert Order.objects.get(number=number).status == Order.Status.IN_REVIEW

    log_in(page, live_server, "approver", f"/reviews/{review.pk}/")
    page.get_by_role("link", name="Sign decision").click()
    assert axe_violations(page, live_server.url) == []
    page.get_by_label("Accept — Approved: capability confirmed").check()
    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Acceptance record")
    expect(page.get_by_text("Meaning: Approved: capability confirmed")).to_be_visible()
    expect(page.get_by_text(approver.printed_name).first).to_be_visible()
    expect(page.get_by_text("Verified: hashes recomputed")).to_be_visible()
    assert axe_violations(page, live_server.url) == []
    page.get_by_role("link", name="Signatures").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status"))).to_contain_text(
        "Signature chain intact: 1 signature(s)"
    )
    assert axe_violations(page, live_server.url) == []
    assert console == []
    signature = Signature.objects.get()
    assert signature.signer == approver
    # The inspector's condition is a counter-offer (ISO 9001 8.2.3.1 e): the order
    # is accepted once the customer agrees to it.
    assert Order.objects.get(number=number).status == (Order.Status.AWAITING_AGREEMENT)
