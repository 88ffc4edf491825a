"""Change-order fixtures: orders entered, reviewed and signed through the real
services, so a change order starts from exactly what intake and review leave."""

import pytest

from orderreview import roles
from orders.models import Channel, Order, Question, RequirementCategory
from requirements import change_orders
from requirements import services as req_services
from requirements.models import RequirementSet
from reviews import services as review_services
from reviews.models import Review
from tests import factories
from tests.conftest import _user_with_role

ANSWERS = {"part_number": "AX-100", "quantity": 250, "finish": "anodised"}


@pytest.fixture
def planner(db, production):
    return _user_with_role("planner", roles.REVIEWER, disciplines=(production,))


@pytest.fixture
def team(reviewer, planner, approver, engineering, production, commercial):
    """Who assesses each discipline's slots."""
    return {engineering.pk: reviewer, production.pk: planner, commercial.pk: approver}


@pytest.fixture
def change_version(engineering, production, commercial):
    """Published: part number (Engineering), quantity (Production), finish
    (Commercial)."""
    version = factories.OrderFormVersionFactory(
        form=factories.OrderFormFactory(name="Machined parts", slug="machined-parts")
    )
    q = factories.QuestionFactory
    q(
        version=version,
        key="part_number",
        label="Part number",
        required=True,
        position=1,
        discipline=engineering,
    )
    q(
        version=version,
        key="quantity",
        label="Quantity",
        kind=Question.Kind.INTEGER,
        required=True,
        min_value=1,
        max_value=10000,
        position=2,
        category=RequirementCategory.DELIVERY,
        discipline=production,
    )
    q(
        version=version,
        key="finish",
        label="Surface finish",
        position=3,
        discipline=commercial,
    )
    return factories.publish_version(version)


def assess_all(review: Review, team: dict, verdict: str = "can_meet") -> None:
    """Every still open slot of a review, by its discipline's reviewer."""
    for assessment in review.assessments.filter(verdict=""):
        review_services.assessment_record(
            assessment=assessment,
            user=team[assessment.discipline_id],
            verdict=verdict,
            note="" if verdict == "can_meet" else "Because",
            version=assessment.version,
        )


def sign(review: Review, signer, outcome: str = "accept", reasons: str = ""):
    return review_services.decision_sign(
        review=review,
        signer=signer,
        outcome=outcome,
        reasons=reasons,
        password=factories.TEST_PASSWORD,
    )


def submitted_order(version, user, answers=None) -> RequirementSet:
    revision = req_services.intake_start(
        user=user,
        form_version=version,
        channel=Channel.PHONE,
        customer=factories.CustomerFactory(),
        # A phone order starts undocumented; these stand for ones with a written PO.
        documented_statement=True,
        answers=answers or ANSWERS,
    )
    return req_services.revision_submit(revision=revision, user=user)


def raise_change(
    order: Order, user, changes: dict, reason: str = "Customer called"
) -> RequirementSet:
    """A change order with some answers changed (None removes an answer), submitted."""
    draft = change_orders.change_order_start(
        order=order,
        user=user,
        reason=reason,
        channel=Channel.EMAIL,
        requested_by="Jo Buyer (purchasing)",
    )
    answers = {**draft.answers, **changes}
    answers = {k: v for k, v in answers.items() if v is not None}
    draft = req_services.revision_answers_save(
        revision=draft, user=user, answers=answers
    )
    return req_services.revision_submit(revision=draft, user=user)


@pytest.fixture
def accepted_order(change_version, service_user, team, approver) -> Order:
    """Revision 1 reviewed by all three disciplines and accepted."""
    revision = submitted_order(change_version, service_user)
    assess_all(revision.review, team)
    sign(revision.review, approver)
    revision.order.refresh_from_db()
    return revision.order


DEPENDENT_ANSWERS = {
    "part_number": "AX-100",
    "quantity": 250,
    "delivery_date": "2027-03-01",
    "finish": "anodised",
}
QUANTITY_CHANGED = "Re-opened: depends on Quantity, which changed from 250 to 400"


@pytest.fixture
def dependent_version(engineering, production, commercial):
    """Published: part number (Engineering), quantity and delivery date (Production;
    the date's verdict depends on the quantity), finish (Commercial)."""
    version = factories.OrderFormVersionFactory(
        form=factories.OrderFormFactory(name="Machined parts", slug="machined-parts")
    )
    q = factories.QuestionFactory
    q(version=version, key="part_number", label="Part number", discipline=engineering)
    q(
        version=version,
        key="quantity",
        label="Quantity",
        kind=Question.Kind.INTEGER,
        discipline=production,
    )
    q(
        version=version,
        key="delivery_date",
        label="Delivery date",
        kind=Question.Kind.DATE,
        category=RequirementCategory.DELIVERY,
        discipline=production,
        depends_on=["quantity"],
    )
    q(version=version, key="finish", label="Surface finish", discipline=commercial)
    return factories.publish_version(version)


@pytest.fixture
def dependent_order(dependent_version, service_user, team, approver) -> Order:
    """Revision 1 of an order on dependent_version, assessed and accepted."""
    revision = submitted_order(dependent_version, service_user, DEPENDENT_ANSWERS)
    assess_all(revision.review, team)
    sign(revision.review, approver)
    revision.order.refresh_from_db()
    return revision.order
