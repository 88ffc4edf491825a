"""Approval rules apply to quotes and change orders too, each rule to what it says it
covers; and the condition "a difference from the quote not agreed by the
customer". Everything goes through the real services: intake, quote, order from
quote, change order, signing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Channel, Order
from pages.quote_resolutions import difference_agree_record
from requirements import quotes
from requirements import services as req_services
from requirements.quote_differences import difference_accept
from reviews import approval_conditions, countersigning
from reviews.models import ApprovalRule, ApprovalSnapshot, Review
from tests.changes.conftest import assess_all, raise_change, sign, submitted_order
from tests.factories import TEST_PASSWORD
from tests.rules.conftest import rule

pytestmark = pytest.mark.django_db

DIFFERENCE_RULE = {"kind": "quote_difference_not_agreed"}


def countersign(review, signer):
    return countersigning.decision_countersign(
        review=review, signer=signer, password=TEST_PASSWORD
    )


def snapshot_rules(review) -> list[dict]:
    latest = ApprovalSnapshot.objects.filter(signature__decision__review=review).latest(
        "pk"
    )
    return latest.rules


def record_page(client, user, review) -> str:
    client.force_login(user)
    url = reverse(
        "reviews:acceptance_record",
        args=[review.order.number, review.requirement_set.number],
    )
    return client.get(url).content.decode()


def test_a_rule_for_quotes_holds_a_quote_until_a_second_approver_countersigns(
    client, quote_review, approver, second_approver, auditor
):
    rule(name="Quotes four eyes", applies_to=["quotes"], approvers_required=2)
    sign(quote_review, approver)
    quote_review.refresh_from_db()
    assert quote_review.state == Review.State.SIGNING
    assert quote_review.order.status != Order.Status.ACCEPTED
    countersign(quote_review, second_approver)
    quote_review.refresh_from_db()
    quote_review.order.refresh_from_db()
    assert quote_review.state == Review.State.DECIDED
    assert quote_review.order.status == Order.Status.ACCEPTED
    (applied,) = snapshot_rules(quote_review)
    assert applied["covered_as"] == "quote" and applied["satisfied"]
    page = record_page(client, auditor, quote_review)
    assert "Quotes four eyes" in page
    assert "applied to this quote" in page
    assert f"{approver.printed_name}, {second_approver.printed_name}" in page


@pytest.mark.parametrize("covers", [["orders"], ["changes"], ["orders", "changes"]])
def test_a_rule_not_covering_quotes_leaves_one_signature_final_on_a_quote(
    quote_review, approver, covers
):
    rule(name="Not quotes", applies_to=covers, approvers_required=2)
    sign(quote_review, approver)
    quote_review.refresh_from_db()
    assert quote_review.state == Review.State.DECIDED
    assert snapshot_rules(quote_review) == []


def test_a_rule_for_quotes_does_not_hold_the_order_made_from_the_quote(
    reviewed_quote,
    service_user,
    team,
    approver,
):
    rule(name="Quotes only", applies_to=["quotes"], approvers_required=2)
    draft = quotes.order_from_quote(
        user=service_user, quote=reviewed_quote, channel=Channel.EMAIL
    )
    review = req_services.revision_submit(revision=draft, user=service_user).review
    assess_all(review, team)
    sign(review, approver)
    review.refresh_from_db()
    assert review.state == Review.State.DECIDED


def test_a_rule_for_change_orders_holds_a_change_order_not_the_order(
    client,
    change_version,
    service_user,
    team,
    approver,
    second_approver,
    auditor,
):
    rule(name="Changes four eyes", applies_to=["changes"], approvers_required=2)
    first = submitted_order(change_version, service_user).review
    assess_all(first, team)
    sign(first, approver)
    first.refresh_from_db()
    assert first.state == Review.State.DECIDED  # an order: not covered

    change = raise_change(first.order, service_user, {"quantity": 500}).review
    assess_all(change, team)
    sign(change, approver)
    change.refresh_from_db()
    assert change.state == Review.State.SIGNING
    countersign(change, second_approver)
    change.refresh_from_db()
    assert change.state == Review.State.DECIDED
    (applied,) = snapshot_rules(change)
    assert applied["covered_as"] == "change order"
    assert "applied to this change order" in record_page(client, auditor, change)


def test_a_rule_for_orders_only_does_not_hold_a_change_order(
    accepted_order,
    service_user,
    team,
    approver,
):
    rule(name="Orders only", applies_to=["orders"], approvers_required=2)
    change = raise_change(accepted_order, service_user, {"quantity": 500}).review
    assess_all(change, team)
    sign(change, approver)
    change.refresh_from_db()
    assert change.state == Review.State.DECIDED


@pytest.fixture
def ordered(reviewed_quote, service_user):
    """An order from the quote with two differences: quantity 400 (not 250) and
    another finish; submitted."""
    draft = quotes.order_from_quote(
        user=service_user, quote=reviewed_quote, channel=Channel.EMAIL
    )
    answers = {**draft.answers, "quantity": 400, "finish": "painted"}
    draft = req_services.revision_answers_save(
        revision=draft, user=service_user, answers=answers
    )
    return req_services.revision_submit(revision=draft, user=service_user)


def agree(difference, user):
    return difference_agree_record(
        difference=difference,
        user=user,
        agreed_by_name="Jo Buyer",
        agreed_at=timezone.now(),
        channel=Channel.PHONE,
    )


def test_a_difference_accepted_by_a_reviewer_makes_the_condition_hold(
    client, ordered, team, planner, service_user, approver, second_approver, auditor
):
    rule(name="Not agreed", conditions=[DIFFERENCE_RULE], approvers_required=2)
    review = ordered.review
    assess_all(review, team)
    difference_accept(
        difference=ordered.quote_differences.get(key="quantity"),
        user=planner,
        reason="Capacity for 400.",
    )
    agree(ordered.quote_differences.get(key="finish"), service_user)
    sign(review, approver)
    review.refresh_from_db()
    assert review.state == Review.State.SIGNING
    (applied,) = snapshot_rules(review)
    quote = ordered.order.quote.number
    assert applied["why"] == [
        f"it differs from quote {quote} in “Quantity” (accepted by the reviewer), "
        "not agreed by the customer"
    ]
    countersign(review, second_approver)
    review.refresh_from_db()
    assert review.state == Review.State.DECIDED
    page = record_page(client, auditor, review)
    assert "“Quantity” (accepted by the reviewer)" in page


def test_differences_all_agreed_by_the_customer_do_not_make_it_hold(
    ordered, team, service_user, approver
):
    rule(name="Not agreed", conditions=[DIFFERENCE_RULE], approvers_required=2)
    review = ordered.review
    assess_all(review, team)
    for difference in ordered.quote_differences.all():
        agree(difference, service_user)
    sign(review, approver)
    review.refresh_from_db()
    assert review.state == Review.State.DECIDED
    assert snapshot_rules(review) == []


def test_an_open_difference_counts_as_not_agreed_on_the_sign_page(
    client, ordered, team, approver
):
    rule(name="Not agreed", conditions=[DIFFERENCE_RULE], approvers_required=2)
    assess_all(ordered.review, team)
    client.force_login(approver)
    page = client.get(reverse("reviews:decision_sign", args=[ordered.review.pk]))
    text = page.content.decode()
    assert "Not agreed" in text
    assert "“Quantity” (not resolved)" in text


def test_an_order_without_a_quote_and_a_quote_never_meet_it(
    quote_review,
    change_version,
    service_user,
    team,
    approver,
):
    kind = approval_conditions.KINDS["quote_difference_not_agreed"]
    assert kind.clean({}) == DIFFERENCE_RULE
    assert approval_conditions.describe(DIFFERENCE_RULE) == (
        "a difference from the quote is not agreed by the customer"
    )
    rule(name="Not agreed", conditions=[DIFFERENCE_RULE], approvers_required=2)
    order_review = submitted_order(change_version, service_user).review
    assess_all(order_review, team)
    for review in (quote_review, order_review):
        sign(review, approver)
        review.refresh_from_db()
        assert review.state == Review.State.DECIDED


def test_the_rule_editor_offers_the_condition_and_what_a_rule_covers(
    client, form_admin
):
    client.force_login(form_admin)
    response = client.post(
        reverse("reviews:approval_rule_create"),
        {
            "name": "Quote differences",
            "applies_to": ["orders"],
            "approvers_required": "2",
            "role_required": "",
            "conditions-TOTAL_FORMS": "1",
            "conditions-INITIAL_FORMS": "0",
            "conditions-MIN_NUM_FORMS": "0",
            "conditions-MAX_NUM_FORMS": "20",
            "conditions-0-kind": "quote_difference_not_agreed",
        },
    )
    assert response.status_code == 302
    saved = ApprovalRule.objects.get(name="Quote differences")
    assert saved.conditions == [DIFFERENCE_RULE]
    assert saved.applies_to == ["orders"]
    page = client.get(reverse("reviews:approval_rule_list")).content.decode()
    assert "a difference from the quote is not agreed by the customer" in page
    assert "Orders" in page
    edit = client.get(reverse("reviews:approval_rule_edit", args=[saved.pk]))
    assert edit.context["form"].initial["applies_to"] == ["orders"]


def test_a_rule_must_cover_something(client, form_admin):
    client.force_login(form_admin)
    response = client.post(
        reverse("reviews:approval_rule_create"),
        {
            "name": "Nothing",
            "approvers_required": "2",
            "role_required": "",
            "conditions-TOTAL_FORMS": "0",
            "conditions-INITIAL_FORMS": "0",
            "conditions-MIN_NUM_FORMS": "0",
            "conditions-MAX_NUM_FORMS": "20",
        },
    )
    assert response.status_code == 200
    assert "Choose at least one" in response.content.decode()
    assert response.context["form"].errors["applies_to"]
