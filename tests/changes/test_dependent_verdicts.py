"""Verdicts that depend on what changed (issue 21 item 4): a change to a question a
verdict depends on re-opens that verdict instead of carrying it forward, and the
review page says why; a reviewer may re-open a carried-forward verdict of their
discipline, with a reason."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reviews import opening
from reviews import services as review_services
from reviews.models import Assessment, Review
from tests.changes.conftest import QUANTITY_CHANGED, raise_change

pytestmark = pytest.mark.django_db


def slots(review: Review) -> dict[str, Assessment]:
    return {
        a.requirement.key: a for a in review.assessments.select_related("requirement")
    }


def test_a_changed_quantity_reopens_the_delivery_date_verdict_saying_why(
    dependent_order, service_user
):
    change = raise_change(dependent_order, service_user, {"quantity": 400})

    by_key = slots(change.review)
    date = by_key["delivery_date"]
    assert (date.verdict, date.carried_from) == ("", None)
    assert date.reopened_because == QUANTITY_CHANGED
    assert date.history.first().history_change_reason == QUANTITY_CHANGED
    assert by_key["quantity"].verdict == ""  # changed itself: assessed afresh
    assert by_key["quantity"].reopened_because == ""
    for key in ("part_number", "finish"):
        assert by_key[key].verdict == "can_meet"
        assert by_key[key].carried_from is not None
        assert by_key[key].reopened_because == ""


def test_a_change_to_something_else_carries_the_delivery_date_forward(
    dependent_order, service_user
):
    change = raise_change(dependent_order, service_user, {"finish": "painted"})

    date = slots(change.review)["delivery_date"]
    assert date.verdict == "can_meet"
    assert date.carried_from is not None
    assert date.reopened_because == ""


def test_a_removed_dependency_reopens_too(dependent_order, service_user):
    change = raise_change(dependent_order, service_user, {"quantity": None})
    date = slots(change.review)["delivery_date"]
    assert date.reopened_because == "Re-opened: depends on Quantity, which was removed"


def test_carry_forward_mapping_leaves_out_the_reopened_slot(
    dependent_order, service_user
):
    change = raise_change(dependent_order, service_user, {"quantity": 400})
    keys = {
        requirement.key
        for requirement in change.requirements.filter(
            pk__in=[
                pk for pk, _ in opening.carry_forward_from_previous(revision=change)
            ]
        )
    }
    assert keys == {"part_number", "finish"}


def test_review_page_says_why_a_verdict_was_reopened(
    client, dependent_order, service_user
):
    change = raise_change(dependent_order, service_user, {"quantity": 400})
    client.force_login(service_user)  # customer service reads the review
    page = client.get(
        reverse("reviews:review_detail", args=[change.review.pk])
    ).content.decode()
    assert QUANTITY_CHANGED in page
    assert "1 verdict(s) re-opened: each says why below." in page


# --- a reviewer re-opens a carried-forward verdict ---------------------------------


@pytest.fixture
def change_review(dependent_order, service_user) -> Review:
    return raise_change(dependent_order, service_user, {"finish": "painted"}).review


def reopen_url(review: Review, assessment: Assessment) -> str:
    return reverse("reviews:assessment_reopen", args=[review.pk, assessment.pk])


def reopen_post(assessment: Assessment, reason: str) -> dict:
    return {f"r{assessment.pk}-reason": reason}


def test_reviewer_reopens_a_carried_verdict_of_their_discipline(
    client, change_review, planner
):
    date = slots(change_review)["delivery_date"]
    client.force_login(planner)

    response = client.post(
        reopen_url(change_review, date),
        reopen_post(date, "The line is booked out in March"),
    )

    assert response.status_code == 302
    date.refresh_from_db()
    assert (date.verdict, date.assessed_by, date.carried_from) == ("", None, None)
    assert date.reopened_because == (
        f"Re-opened by {planner.printed_name}: The line is booked out in March"
    )
    latest = date.history.first()
    assert latest.history_user == planner
    assert latest.history_change_reason == date.reopened_because
    page = client.get(response.url).content.decode()
    assert date.reopened_because in page


def test_reopening_needs_a_reason_shown_beside_the_field(
    client, change_review, planner
):
    date = slots(change_review)["delivery_date"]
    client.force_login(planner)
    response = client.post(reopen_url(change_review, date), reopen_post(date, "  "))
    assert response.status_code == 200
    assert "Say why this verdict needs a new look." in response.content.decode()
    date.refresh_from_db()
    assert date.verdict == "can_meet"


def test_reopen_reason_is_data_never_markup(client, change_review, planner):
    date = slots(change_review)["delivery_date"]
    client.force_login(planner)
    client.post(
        reopen_url(change_review, date),
        reopen_post(date, "<script>alert(1)</script> {{ request.user.password }}"),
    )
    page = client.get(
        reverse("reviews:review_detail", args=[change_review.pk])
    ).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ request.user.password }}" in page
    assert "<script>alert(1)" not in page


def test_another_discipline_cannot_reopen(client, change_review, reviewer):
    date = slots(change_review)["delivery_date"]  # Production's; reviewer is Eng.
    client.force_login(reviewer)
    response = client.post(reopen_url(change_review, date), reopen_post(date, "Why"))
    assert response.status_code == 403
    date.refresh_from_db()
    assert date.verdict == "can_meet"
    with pytest.raises(ValidationError, match="Only Production / capacity reviewers"):
        review_services.assessment_reopen(assessment=date, user=reviewer, reason="x")


def test_auditor_and_customer_service_cannot_reopen(
    client, change_review, auditor, service_user
):
    date = slots(change_review)["delivery_date"]
    for user in (auditor, service_user):
        client.force_login(user)
        response = client.post(
            reopen_url(change_review, date), reopen_post(date, "Why")
        )
        assert response.status_code == 403
    date.refresh_from_db()
    assert date.verdict == "can_meet"


def test_anonymous_wrong_method_and_other_review(
    client, change_review, dependent_order, planner
):
    date = slots(change_review)["delivery_date"]
    url = reopen_url(change_review, date)
    assert client.post(url, reopen_post(date, "Why")).status_code == 302
    client.force_login(planner)
    assert client.get(url).status_code == 405
    first_review = dependent_order.revisions.get(number=1).review
    other = reverse("reviews:assessment_reopen", args=[first_review.pk, date.pk])
    assert client.post(other, reopen_post(date, "Why")).status_code == 404


def test_only_a_carried_forward_verdict_of_an_open_review_can_be_reopened(
    client, change_review, dependent_order, planner, approver
):
    fresh = slots(change_review)["finish"]  # changed: assessed afresh
    review_services.assessment_record(
        assessment=fresh, user=approver, verdict="can_meet", note="", version=0
    )
    client.force_login(approver)
    response = client.post(
        reopen_url(change_review, fresh), reopen_post(fresh, "Look again")
    )
    assert response.status_code == 200
    assert "Only a verdict carried forward" in response.content.decode()

    decided = dependent_order.revisions.get(number=1).review.assessments.get(
        requirement__key="delivery_date"
    )
    with pytest.raises(ValidationError, match="This review is closed"):
        review_services.assessment_reopen(assessment=decided, user=planner, reason="x")
