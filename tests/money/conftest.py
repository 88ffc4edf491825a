import pytest

from orderreview import roles
from orders.models import Channel, Question
from requirements import change_orders
from requirements import services as req_services
from reviews import services as review_services
from tests import factories
from tests.conftest import _user_with_role

Kind = Question.Kind


def money_version(*, currencies=("EUR",), publish=True, quantity=True):
    """A CNC-like form: a part number, a quantity and a unit price."""
    version = factories.OrderFormVersionFactory()
    factories.QuestionFactory(version=version, key="part", label="Part", position=1)
    if quantity:
        factories.QuestionFactory(
            version=version,
            key="quantity",
            label="Quantity",
            kind=Kind.INTEGER,
            position=2,
            min_value=1,
        )
    factories.QuestionFactory(
        version=version,
        key="unit_price",
        label="Unit price",
        kind=Kind.AMOUNT,
        currencies=list(currencies),
        position=3,
        min_value=0,
    )
    version.value_question = "unit_price"
    version.value_quantity_question = "quantity" if quantity else ""
    version.save()
    return factories.publish_version(version) if publish else version


@pytest.fixture
def price_version(db):
    return money_version(currencies=("EUR", "USD", "JPY"))


def submitted(version, user, answers):
    revision = req_services.intake_start(
        user=user,
        form_version=version,
        channel=Channel.PHONE,
        customer=factories.CustomerFactory(),
        documented_statement=True,
        answers=answers,
    )
    return req_services.revision_submit(revision=revision, user=user)


def changed_money_order(service_user, approver, verdict="can_meet"):
    """An order of 2 at 10 EUR due 2027-03-01, accepted; then a change order (50,
    due 2027-01-15) submitted. Returns the change and decide(review, outcome,
    reasons): every open slot assessed with verdict, then signed by approver."""
    version = money_version(publish=False)
    factories.QuestionFactory(
        version=version,
        key="due",
        label="Due date",
        kind=Kind.DATE,
        maps_to=Question.MapsTo.REQUESTED_DATE,
        position=4,
    )
    version = factories.publish_version(version)
    answers = {
        "part": "P-1",
        "quantity": "2",
        "unit_price": {"amount": "10", "currency": "EUR"},
        "due": "2027-03-01",
    }
    revision = submitted(version, service_user, answers)
    disciplines = {a.discipline for a in revision.review.assessments.all()}
    everyone = _user_with_role("allround", roles.REVIEWER, disciplines=disciplines)

    def decide(review, outcome, reasons="", verdict=verdict):
        for assessment in review.assessments.filter(verdict=""):
            review_services.assessment_record(
                assessment=assessment,
                user=everyone,
                verdict=verdict,
                note="" if verdict == "can_meet" else "Only by March",
                version=assessment.version,
            )
        review_services.decision_sign(
            review=review,
            signer=approver,
            outcome=outcome,
            reasons=reasons,
            password=factories.TEST_PASSWORD,
        )

    decide(revision.review, "accept", verdict="can_meet")
    draft = change_orders.change_order_start(
        order=revision.order,
        user=service_user,
        reason="Bigger run",
        channel=Channel.EMAIL,
        requested_by="Jo",
    )
    draft = req_services.revision_answers_save(
        revision=draft,
        user=service_user,
        answers={**draft.answers, "quantity": "50", "due": "2027-01-15"},
    )
    return req_services.revision_submit(revision=draft, user=service_user), decide
