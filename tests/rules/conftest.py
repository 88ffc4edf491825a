"""Approval-rule fixtures: reviews with chosen answers, approvers, rules."""

import pytest

from orderreview import roles
from orders.models import Order
from requirements.models import RequirementSet
from reviews import services
from reviews.models import ApprovalRule, Review
from tests import factories
from tests.changes.conftest import (  # noqa: F401 (fixtures)
    accepted_order,
    change_version,
    planner,
    team,
)
from tests.changes.conftest import assess_all as assess_team
from tests.conftest import _user_with_role
from tests.factories import TEST_PASSWORD
from tests.quotes.conftest import reviewed_quote, submitted_quote  # noqa: F401
from tests.reviews.conftest import (  # noqa: F401 (fixtures)
    assess,
    second_approver,
    slot,
    submit_revision,
)


def review_with(answers: dict, *disciplines, revision=None, **order_kwargs) -> Review:
    """A submitted first revision whose requirements have the given keys and
    values (each in the first discipline), plus one requirement a discipline."""
    if revision is None:
        revision = factories.RequirementSetFactory(
            order__status=Order.Status.AWAITING_REVIEW,
            **{f"order__{key}": value for key, value in order_kwargs.items()},
        )
        revision.submitted_by = revision.created_by
        revision.state = RequirementSet.State.SUBMITTED
        revision.save()
    for key, value in answers.items():
        factories.RequirementFactory(
            requirement_set=revision, key=key, value=value, discipline=disciplines[0]
        )
    return submit_revision(*disciplines, revision=revision)


def assess_all(review: Review, by: dict, verdict="can_meet", note="") -> Review:
    """Assess every slot, each by the user given for its discipline slug."""
    for assessment in review.assessments.select_related("discipline"):
        assess(assessment, by[assessment.discipline.slug], verdict, note)
    return review


def rule(applies_to=None, **fields) -> ApprovalRule:
    """A rule; applies_to lists what it covers (AppliesTo values; all when None)."""
    fields.setdefault("name", f"Rule {ApprovalRule.objects.count() + 1}")
    if applies_to is not None:
        for kind in ApprovalRule.AppliesTo.values:
            fields[f"applies_to_{kind}"] = kind in applies_to
    return ApprovalRule.objects.create(**fields)


def sign(review, signer, outcome="accept", reasons=""):
    return services.decision_sign(
        review=review,
        signer=signer,
        outcome=outcome,
        reasons=reasons,
        password=TEST_PASSWORD,
    )


@pytest.fixture
def third_approver(db, commercial):
    return _user_with_role("approver3", roles.REVIEWER, roles.APPROVER)


@pytest.fixture
def quality_manager(db):
    """An approver who also holds the Auditor role (the named role of a rule)."""
    return _user_with_role("qm", roles.APPROVER, roles.AUDITOR)


@pytest.fixture
def by(reviewer, approver):
    return {"engineering": reviewer, "commercial": approver}


@pytest.fixture
def quote_review(change_version, service_user, team):  # noqa: F811
    """A quote submitted and assessed, ready to sign."""
    review = submitted_quote(change_version, service_user).review
    assess_team(review, team)
    return review
