"""Every requirement of an order that differs from its quote is listed and must be
resolved before the order is accepted; equal ones keep the quote's verdicts."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from communications.models import Communication
from orders.models import Channel, Order
from requirements import quotes
from requirements import services as req_services
from requirements.models import QuoteDifference
from requirements.quote_differences import difference_accept
from reviews.models import Decision, Review
from reviews.services import decision_blockers
from tests import factories
from tests.quotes.conftest import assess_all, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def ordered(reviewed_quote, service_user, engineering):
    """The customer's order for the quote: quantity 400 instead of 250, and one
    requirement the quote did not have; submitted."""
    draft = quotes.order_from_quote(
        user=service_user, quote=reviewed_quote, channel=Channel.EMAIL
    )
    draft = req_services.revision_answers_save(
        revision=draft, user=service_user, answers={**draft.answers, "quantity": 400}
    )
    req_services.requirement_add(
        revision=draft,
        user=service_user,
        statement="Deliver in two lots",
        category="delivery",
        discipline=engineering,
    )
    return req_services.revision_submit(revision=draft, user=service_user)


def test_the_differences_are_recorded_and_equal_requirements_keep_their_verdicts(
    ordered, planner
):
    differences = {d.key: d for d in ordered.quote_differences.all()}
    quantity = differences.pop("quantity")
    assert quantity.change == QuoteDifference.Change.CHANGED
    assert (quantity.quote_value, quantity.order_value) == ("250", "400")
    (added,) = differences.values()
    assert added.change == QuoteDifference.Change.ADDED
    assert added.statement == "Deliver in two lots"
    review = Review.objects.get(requirement_set=ordered)
    slots = {a.requirement.key: a for a in review.assessments.all()}
    assert slots["part_number"].carried_from is not None
    assert slots["part_number"].verdict == "can_meet"
    assert slots["finish"].carried_from is not None
    assert slots["quantity"].verdict == ""
    assert ordered.order.status == Order.Status.AWAITING_REVIEW


def test_signing_is_refused_while_a_difference_is_open(ordered, team, approver):
    review = Review.objects.get(requirement_set=ordered)
    assess_all(review, team)
    assert any(
        "differ from the quote" in p for p in decision_blockers(review, "accept")
    )
    with pytest.raises(ValidationError, match="differ from the quote"):
        sign(review, approver)
    # The database refuses it too, whatever code inserts the decision.
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            review=review,
            outcome="accept",
            decided_by=approver,
            decided_at=timezone.now(),
        )


def test_resolved_differences_let_the_order_be_signed(
    client, ordered, team, approver, planner, service_user
):
    review = Review.objects.get(requirement_set=ordered)
    assess_all(review, team)
    quantity = ordered.quote_differences.get(key="quantity")
    added = ordered.quote_differences.exclude(key="quantity").get()
    difference_accept(difference=quantity, user=planner, reason="Capacity for 400.")
    client.force_login(service_user)
    url = reverse("orders:quote_difference", args=[ordered.order.number, added.pk])
    response = client.post(
        url,
        {
            "action": "agree",
            "agreed_by_name": "Jo Buyer",
            "agreed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "channel": "phone",
        },
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.resolution == QuoteDifference.Resolution.CUSTOMER
    assert added.agreed_by_name == "Jo Buyer"
    assert added.communication.order == ordered.order
    assert Communication.objects.filter(order=ordered.order).count() == 1
    sign(review, approver)
    ordered.order.refresh_from_db()
    assert ordered.order.status == Order.Status.ACCEPTED
    page = client.get(ordered.order.get_absolute_url()).content.decode()
    assert "data-quote-differences" in page
    assert "Capacity for 400." in page
    assert "Jo Buyer" in page


def test_only_the_discipline_reviewer_accepts_with_a_reason(ordered, reviewer):
    quantity = ordered.quote_differences.get(key="quantity")
    with pytest.raises(ValidationError, match="reviewers can accept this difference"):
        difference_accept(difference=quantity, user=reviewer, reason="Fine")


def test_a_resolved_difference_never_changes(ordered, planner):
    quantity = ordered.quote_differences.get(key="quantity")
    difference_accept(difference=quantity, user=planner, reason="Capacity for 400.")
    with pytest.raises(ValidationError, match="already resolved"):
        difference_accept(difference=quantity, user=planner, reason="Again")
    with pytest.raises(IntegrityError), transaction.atomic():
        QuoteDifference.objects.filter(pk=quantity.pk).update(reason="tidied")
    with pytest.raises(IntegrityError), transaction.atomic():
        QuoteDifference.objects.filter(pk=quantity.pk).delete()


def test_bad_input_is_said_beside_the_field_and_kept(client, ordered, planner):
    quantity = ordered.quote_differences.get(key="quantity")
    url = reverse("orders:quote_difference", args=[ordered.order.number, quantity.pk])
    client.force_login(planner)
    response = client.post(url, {"action": "accept", "reason": ""})
    assert response.status_code == 200
    assert "Say why the difference is acceptable." in response.content.decode()
    response = client.post(url, {"action": "agree", "agreed_by_name": "Jo"})
    assert response.status_code == 200
    assert "Your role cannot resolve it this way." in response.content.decode()
    quantity.refresh_from_db()
    assert not quantity.resolved


def test_a_future_agreement_is_refused_beside_the_field(client, ordered, service_user):
    quantity = ordered.quote_differences.get(key="quantity")
    url = reverse("orders:quote_difference", args=[ordered.order.number, quantity.pk])
    client.force_login(service_user)
    response = client.post(
        url,
        {
            "action": "agree",
            "agreed_by_name": "Jo Buyer",
            "agreed_at": "2999-01-01T10:00",
            "channel": "phone",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Jo Buyer"' in page
    quantity.refresh_from_db()
    assert not quantity.resolved
    assert not Communication.objects.exists()


def test_the_review_page_lists_the_differences(client, ordered, planner):
    client.force_login(planner)
    review = Review.objects.get(requirement_set=ordered)
    page = client.get(reverse("reviews:review_detail", args=[review.pk]))
    assert 'data-difference="quantity"' in page.content.decode()


def test_a_draft_shows_what_would_differ(client, reviewed_quote, service_user):
    draft = quotes.order_from_quote(
        user=service_user, quote=reviewed_quote, channel=Channel.EMAIL
    )
    req_services.revision_answers_save(
        revision=draft, user=service_user, answers={**draft.answers, "finish": "raw"}
    )
    client.force_login(service_user)
    page = client.get(draft.order.get_absolute_url()).content.decode()
    assert 'data-difference="finish"' in page
    assert "to resolve once submitted" in page


def test_an_order_without_a_quote_lists_nothing(client, service_user):
    order = factories.OrderFactory()
    client.force_login(service_user)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "data-quote-differences" not in page
