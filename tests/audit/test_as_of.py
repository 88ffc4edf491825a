"""An order replayed at three moments of its life, from history rows alone."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from audit.history import order_as_of
from orders.models import Order
from requirements.models import Requirement
from reviews.models import Assessment, Decision, Review
from tests import factories
from tests.audit import builders

INTAKE = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)
REVIEWING = dt.datetime(2026, 5, 5, 14, 0, tzinfo=dt.UTC)
DECIDED = dt.datetime(2026, 5, 6, 16, 30, tzinfo=dt.UTC)
CHANGED = dt.datetime(2026, 5, 8, 10, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def life(db, service_user, reviewer, approver, engineering):
    """Intake, then a review with a reviewer's extra requirement, then acceptance,
    then a change order."""
    with time_machine.travel(INTAKE, tick=False):
        # The reference is entered with the order: once submitted, the database
        # refuses changes to the fields the signed content carries.
        order, revision, items = builders.submitted_order(
            by=service_user, customer_reference="PO-FIRST"
        )
    with time_machine.travel(REVIEWING, tick=False):
        added = factories.RequirementFactory(
            requirement_set=revision,
            statement="Material certificate 3.1",
            source=Requirement.Source.REVIEWER,
            position=99,
        )
        review = builders.open_review(revision, by=approver)
        first = Assessment.objects.get(review=review, requirement=items[0])
        builders.assess(first, verdict=Assessment.Verdict.CAN_MEET, by=reviewer)
    with time_machine.travel(DECIDED, tick=False):
        for assessment in Assessment.objects.filter(review=review, verdict=""):
            builders.assess(
                assessment,
                verdict=Assessment.Verdict.CONDITIONS,
                note="Lead time 6 weeks",
                by=reviewer,
            )
        builders.decide(review, outcome=Decision.Outcome.ACCEPT, by=approver)
    with time_machine.travel(CHANGED, tick=False):
        # The accepted revision stays accepted (the database allows no other
        # change to it): the change order is the current revision.
        builders.change_order(order, by=service_user, requirements=1)
        order.status = Order.Status.AWAITING_REVIEW
        builders.save(order, by=service_user)
    return {"order": order, "revision": revision, "items": items, "added": added}


def test_before_intake_the_order_did_not_exist(life):
    snapshot = order_as_of(life["order"].pk, INTAKE - MINUTE)
    assert not snapshot.existed


def test_at_intake_the_revision_is_submitted_and_not_yet_reviewed(life):
    snapshot = order_as_of(life["order"].pk, INTAKE + MINUTE)
    assert snapshot.order.status == Order.Status.AWAITING_REVIEW
    assert snapshot.order.customer_reference == "PO-FIRST"
    assert [(r.number, r.state) for r in snapshot.revisions] == [(1, "submitted")]
    assert [r.id for r in snapshot.current.requirements] == [
        item.pk for item in life["items"]
    ]
    assert snapshot.current.review is None


def test_during_review_the_assessments_stand_as_they_were(life, reviewer):
    snapshot = order_as_of(life["order"].pk, REVIEWING + MINUTE)
    assert snapshot.order.status == Order.Status.IN_REVIEW
    assert snapshot.order.customer_reference == "PO-FIRST"
    # The reviewer's added requirement exists from this moment on.
    assert life["added"].pk in [r.id for r in snapshot.current.requirements]
    assert snapshot.current.review.state == Review.State.OPEN
    verdicts = {a.requirement_id: a.verdict for a in snapshot.current.assessments}
    assert verdicts == {
        life["items"][0].pk: "can_meet",
        life["items"][1].pk: "",
        life["added"].pk: "",
    }
    assert snapshot.current.decision is None
    assert snapshot.names["users"][reviewer.pk] == reviewer


def test_after_the_decision_the_order_is_accepted(life, approver):
    snapshot = order_as_of(life["order"].pk, DECIDED + MINUTE)
    assert snapshot.order.status == Order.Status.ACCEPTED
    assert [(r.number, r.state) for r in snapshot.revisions] == [(1, "accepted")]
    assert snapshot.current.review.state == Review.State.DECIDED
    assert {a.verdict for a in snapshot.current.assessments} == {
        "can_meet",
        "conditions",
    }
    assert snapshot.current.decision.outcome == Decision.Outcome.ACCEPT
    assert snapshot.current.decision.decided_by_id == approver.pk


def test_a_later_change_order_becomes_the_current_revision(life):
    snapshot = order_as_of(life["order"].pk, CHANGED + MINUTE)
    assert [(r.number, r.state) for r in snapshot.revisions] == [
        (1, "accepted"),
        (2, "submitted"),
    ]
    assert snapshot.current.revision.number == 2
    assert len(snapshot.current.requirements) == 1
    assert snapshot.current.review is None


def test_a_deleted_requirement_disappears_from_later_moments(life, service_user):
    draft_time = CHANGED + dt.timedelta(hours=1)
    # Requirements are removed only from a draft (the database refuses it on a
    # submitted revision): a third revision, still a draft.
    with time_machine.travel(draft_time, tick=False):
        draft = factories.RequirementSetFactory(order=life["order"], number=3)
        extra = factories.RequirementFactory(requirement_set=draft)
    extra_id = extra.pk
    with time_machine.travel(draft_time + dt.timedelta(hours=1), tick=False):
        extra.delete()
    before = order_as_of(life["order"].pk, draft_time + MINUTE)
    after = order_as_of(life["order"].pk, draft_time + dt.timedelta(hours=2))
    assert extra_id in [r.id for r in before.current.requirements]
    assert extra_id not in [r.id for r in after.current.requirements]
    assert after.current.revision.number == 3


# --- the page ---------------------------------------------------------------


def _url(order: Order) -> str:
    return reverse("audit:order_as_of", args=[order.number])


def test_page_shows_the_order_at_the_chosen_moment(client, auditor, life):
    client.force_login(auditor)
    moment = (REVIEWING + MINUTE).strftime("%Y-%m-%dT%H:%M")
    response = client.get(_url(life["order"]), {"at": moment})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "In review" in page and "PO-FIRST" in page
    # Once among the requirements, once naming its (pending) assessment.
    assert page.count("Material certificate 3.1") == 2
    assert "Can meet" in page


def test_page_before_the_order_existed_says_so(client, auditor, life):
    client.force_login(auditor)
    response = client.get(_url(life["order"]), {"at": "2026-01-01T00:00"})
    assert "did not exist yet" in response.content.decode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yesterday-ish", "Enter a valid date/time."),
        ("2999-01-01T00:00", "Choose a moment that has already happened."),
    ],
)
def test_bad_moments_are_explained_beside_the_field(
    client, auditor, life, value, message
):
    client.force_login(auditor)
    response = client.get(_url(life["order"]), {"at": value})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert f'value="{value}"' in page


def test_unknown_order_is_404(client, auditor, db):
    client.force_login(auditor)
    response = client.get(reverse("audit:order_as_of", args=["SO-1999-000001"]))
    assert response.status_code == 404


def test_as_of_refuses_others_and_posts(client, reviewer, auditor, life):
    url = _url(life["order"])
    assert client.get(url).status_code == 302
    client.force_login(reviewer)
    assert client.get(url).status_code == 403
    client.force_login(auditor)
    assert client.post(url, {"at": "2026-05-05T15:00"}).status_code == 405


@pytest.mark.parametrize("requirements", [1, 25])
def test_as_of_page_has_a_constant_number_of_queries(
    client, auditor, approver, service_user, django_assert_num_queries, requirements
):
    with time_machine.travel(INTAKE, tick=False):
        order, revision, items = builders.submitted_order(
            by=service_user, requirements=requirements
        )
        review = builders.open_review(revision, by=approver)
        builders.decide(review, outcome=Decision.Outcome.ACCEPT, by=approver)
    client.force_login(auditor)
    # 1 session, 2 user, 3 roles, 4 order id by number, 5 order, 6 customer,
    # 7 revisions, 8 requirements, 9 review, 10 assessments, 11 decision,
    # 12 users named, 13 disciplines named.
    with django_assert_num_queries(13):
        response = client.get(_url(order), {"at": "2026-05-05T00:00:00"})
    assert len(response.context["snapshot"].current.assessments) == requirements
