"""Reviews fixtures: submitted revisions opened exactly as intake's service will."""

import pytest

from orderreview import events, roles
from orders.models import Discipline, Order
from requirements.models import RequirementSet
from reviews.models import Assessment, Review
from reviews.services import assessment_record
from tests import factories
from tests.conftest import _user_with_role


def submit_revision(
    *disciplines: Discipline, revision: RequirementSet | None = None, **order_kwargs
) -> Review:
    """A submitted revision with one requirement per discipline given, announced
    with revision_submitted as requirements.services.revision_submit sends it."""
    if revision is None:
        revision = factories.RequirementSetFactory(
            order__status=Order.Status.AWAITING_REVIEW,
            **{f"order__{key}": value for key, value in order_kwargs.items()},
        )
        # Submitted in one save, as revision_submit does: the database refuses
        # changes to a revision once it is submitted.
        revision.submitted_by = revision.created_by
        revision.state = RequirementSet.State.SUBMITTED
        revision.save()
    for discipline in disciplines:
        factories.RequirementFactory(requirement_set=revision, discipline=discipline)
    events.revision_submitted.send(sender=RequirementSet, revision=revision)
    return Review.objects.get(requirement_set=revision)


def assess(
    assessment: Assessment, user, verdict: str = "can_meet", note: str = ""
) -> Assessment:
    assessment.refresh_from_db()
    return assessment_record(
        assessment=assessment,
        user=user,
        verdict=verdict,
        note=note,
        version=assessment.version,
    )


@pytest.fixture
def planner(db, production):
    return _user_with_role("planner", roles.REVIEWER, disciplines=(production,))


@pytest.fixture
def inspector(db, quality):
    return _user_with_role("inspector", roles.REVIEWER, disciplines=(quality,))


@pytest.fixture
def second_approver(db, commercial):
    return _user_with_role(
        "approver2", roles.REVIEWER, roles.APPROVER, disciplines=(commercial,)
    )


@pytest.fixture
def review(db, engineering, commercial) -> Review:
    """An open review with an Engineering and a Commercial requirement."""
    return submit_revision(engineering, commercial)


def slot(review: Review, discipline: Discipline) -> Assessment:
    return review.assessments.get(discipline=discipline)


@pytest.fixture
def assessed_review(review, reviewer, approver, engineering, commercial) -> Review:
    """Every slot assessed 'can meet': ready to accept."""
    assess(slot(review, engineering), reviewer)
    assess(slot(review, commercial), approver)
    return review
