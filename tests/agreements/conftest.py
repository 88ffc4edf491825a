"""Conditional acceptance fixtures: orders entered, reviewed and signed through the
real services, one slot answered "can meet with conditions"."""

import pytest

from orders.models import Order
from reviews import agreements
from reviews import services as review_services
from reviews.models import Review
from tests.changes import conftest as changes
from tests.changes.conftest import sign, submitted_order

# The change-order fixtures, shared: orders entered and signed as there.
change_version = changes.change_version
planner = changes.planner
team = changes.team

CONDITION = "Earliest delivery 1 March, not 15 February"


def assess_with_condition(review: Review, team: dict, production) -> None:
    """The Production slot "can meet with conditions", every other "can meet"."""
    for assessment in review.assessments.filter(verdict=""):
        conditional = assessment.discipline_id == production.pk
        review_services.assessment_record(
            assessment=assessment,
            user=team[assessment.discipline_id],
            verdict="conditions" if conditional else "can_meet",
            note=CONDITION if conditional else "",
            version=assessment.version,
        )


@pytest.fixture
def conditional_order(change_version, service_user, team, approver, production):
    """Revision 1 accepted with one condition: waiting for the customer."""
    revision = submitted_order(change_version, service_user)
    assess_with_condition(revision.review, team, production)
    sign(revision.review, approver)
    return Order.objects.get(pk=revision.order_id)


def agreement_token(order: Order) -> str:
    """A token as the decision e-mail carries it: issued as the worker issues one
    when it sends the notice (the notice on file holds only a placeholder)."""
    token = agreements.agreement_link_issue(order=order)
    assert token
    return token


@pytest.fixture
def assessed_with_condition(change_version, service_user, team, production):
    """Revision 1 assessed, the Production slot with a condition: ready to sign."""
    revision = submitted_order(change_version, service_user)
    assess_with_condition(revision.review, team, production)
    return revision.review
