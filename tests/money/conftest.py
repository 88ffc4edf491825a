import pytest

from orders.models import Channel, Question
from requirements import services as req_services
from tests import factories

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
