"""Issue 18's proof in a real browser: a quote reviewed and accepted, an order made
from it with two differences, both resolved (one agreed with the customer, one
accepted by the reviewer with a reason), and an approval rule that then needs two
approvers, each re-entering their password."""

import pytest
from playwright.sync_api import Page, expect

from orders.models import Order
from requirements.models import QuoteDifference
from reviews.models import ApprovalRule, Review, Signature
from tests.browser import axe_violations, csp_violations
from tests.changes.conftest import assess_all
from tests.changes.test_browser import log_in
from tests.factories import TEST_PASSWORD
from tests.quotes.conftest import submitted_quote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RULE = "Two approvers when the customer did not agree"


def sign_on_page(page: Page, live_server, review_pk: int, link: str) -> None:
    """Open the review, follow its signing link, accept and re-enter the password."""
    page.goto(f"{live_server.url}/reviews/{review_pk}/")
    page.get_by_role("link", name=link).click()
    if link == "Sign decision":
        page.get_by_label("Accept — Approved: capability confirmed").check()
    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign").click()


def test_an_order_differing_from_its_quote_needs_two_approvers_by_rule(
    page: Page,
    live_server,
    change_version,
    service_user,
    team,
    planner,
    approver,
    second_approver,
    form_admin,
):
    console = csp_violations(page)

    # A form admin makes the rule in the rule editor.
    log_in(page, live_server, "formadmin", "/reviews/approval-rules/new/")
    page.get_by_label("Name").fill(RULE)
    for covered in ("Orders (first revision)", "Quotes", "Change orders"):
        expect(page.get_by_label(covered, exact=False)).to_be_checked()
    page.get_by_label("Distinct approvers who must sign").fill("2")
    page.locator('select[name="conditions-0-kind"]').select_option(
        label="A difference from the quote not agreed by the customer"
    )
    assert axe_violations(page, live_server.url) == []
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Approval rules")
    expect(page.get_by_role("row", name=RULE)).to_contain_text(
        "a difference from the quote is not agreed by the customer"
    )

    # The quote is reviewed and accepted: the rule holds nothing on it (a quote
    # has no quote to differ from), so one signature is final.
    quote_review = submitted_quote(change_version, service_user).review
    assess_all(quote_review, team)
    quote = quote_review.order
    log_in(page, live_server, "approver", f"/reviews/{quote_review.pk}/")
    sign_on_page(page, live_server, quote_review.pk, "Sign decision")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Quote review record: {quote.number}"
    )
    expect(page.locator("[data-approval-rules]")).to_contain_text(
        "No approval rule applied"
    )
    quote.refresh_from_db()
    assert quote.status == Order.Status.ACCEPTED

    # Customer service makes the order from it: 400 parts, painted, not the
    # quoted 250 anodised.
    log_in(page, live_server, "service", f"/orders/{quote.number}/")
    page.get_by_role("link", name="Create the order from this quote").click()
    page.get_by_label("How the order reached us").select_option("email")
    page.get_by_label("Customer's reference (their purchase order)").fill("PO-4711")
    page.get_by_label(
        "Yes: a purchase order, e-mail or portal form states them"
    ).check()
    page.get_by_role("button", name="Make the draft order").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Draft SO-")
    page.get_by_label("Quantity").fill("400")
    page.get_by_label("Surface finish").fill("painted")
    page.get_by_role("button", name="Submit for review").click()
    order = Order.objects.get(quote=quote)
    quantity_row = page.locator('tr[data-difference="quantity"]')
    finish_row = page.locator('tr[data-difference="finish"]')
    expect(quantity_row).to_contain_text("400")
    expect(finish_row).to_contain_text("painted")
    assert QuoteDifference.objects.filter(revision__order=order).count() == 2

    # The customer agreed to the finish by phone: customer service records it.
    finish_row.get_by_role("link", name="Resolve").click()
    page.get_by_label("Who at the customer agreed").fill("Jo Buyer")
    page.get_by_role("button", name="Record the customer's agreement").click()
    expect(page.locator('tr[data-difference="finish"]')).to_contain_text(
        "Agreed with the customer: Jo Buyer"
    )

    # The production reviewer accepts the quantity, saying why.
    review = order.revisions.get().review
    log_in(page, live_server, "planner", f"/reviews/{review.pk}/")
    page.locator('tr[data-difference="quantity"]').get_by_role(
        "link", name="Resolve"
    ).click()
    page.get_by_label("Why the difference is acceptable").fill(
        "Capacity for 400 in week 12."
    )
    page.get_by_role("button", name="Accept the difference").click()
    expect(page.locator('tr[data-difference="quantity"]')).to_contain_text(
        "Capacity for 400 in week 12."
    )
    assess_all(review, team)

    # The first approver signs: the sign page says why the rule applies, and the
    # acceptance is signed but not final.
    log_in(page, live_server, "approver", f"/reviews/{review.pk}/")
    page.get_by_role("link", name="Sign decision").click()
    expect(page.locator("[data-approval-rules]")).to_contain_text(RULE)
    expect(page.locator("[data-approval-rules]")).to_contain_text(
        "“Quantity” (accepted by the reviewer)"
    )
    assert axe_violations(page, live_server.url) == []
    sign_on_page(page, live_server, review.pk, "Sign decision")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Acceptance record")
    expect(page.get_by_text("It awaits further approvers")).to_be_visible()
    expect(page.locator("[data-approval-rules]")).to_contain_text("not satisfied yet")
    order.refresh_from_db()
    review.refresh_from_db()
    assert order.status != Order.Status.ACCEPTED
    assert review.state == Review.State.SIGNING

    # Nobody signs twice: the same approver is refused a countersignature.
    sign_on_page(page, live_server, review.pk, "Countersign acceptance")
    expect(page.get_by_role("alert")).to_contain_text("already signed")
    assert Signature.objects.filter(decision__review=review).count() == 1

    # A second, different approver countersigns with their own password.
    log_in(page, live_server, "approver2", f"/reviews/{review.pk}/")
    sign_on_page(page, live_server, review.pk, "Countersign acceptance")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Acceptance record")
    rules = page.locator("[data-approval-rules]")
    expect(rules).to_contain_text(RULE)
    expect(rules).to_contain_text("applied to this order")
    expect(rules).to_contain_text(
        f"{approver.printed_name}, {second_approver.printed_name}"
    )
    expect(rules).to_contain_text("satisfied")
    # Both signatures verified.
    expect(page.get_by_text("Verified: hashes recomputed")).to_have_count(2)
    assert axe_violations(page, live_server.url) == []
    assert console == []

    order.refresh_from_db()
    assert order.status == Order.Status.ACCEPTED
    first, second = Signature.objects.filter(decision__review=review).order_by("pk")
    assert second.previous_hash == first.signature_hash
    assert ApprovalRule.objects.get().name == RULE
