"""Intake fixtures: an order form that exercises every rule intake relies on."""

import pytest

from orders.models import Channel, Question, RequirementCategory
from requirements import services as req_services
from tests import factories


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    # Most tests click through public pages many times; the rate-limit test lowers it.
    settings.PUBLIC_RATE_LIMIT = 10_000


@pytest.fixture
def intake_version(engineering, production, quality):
    """Published: part number, quantity, certificate? -> certificate type, drawing."""
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
        section="Part",
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
        key="needs_certificate",
        label="Material certificate needed?",
        kind=Question.Kind.YES_NO,
        required=True,
        position=3,
        discipline=quality,
    )
    q(
        version=version,
        key="certificate_type",
        label="Certificate type",
        kind=Question.Kind.SINGLE_CHOICE,
        choices=["3.1", "3.2"],
        required=True,
        show_if_question="needs_certificate",
        show_if_values=["yes"],
        position=4,
        category=RequirementCategory.STATUTORY,
        discipline=quality,
    )
    q(
        version=version,
        key="drawing",
        label="Drawing",
        kind=Question.Kind.FILE,
        allowed_file_types="pdf",
        max_file_size_kb=100,
        position=5,
        discipline=engineering,
    )
    q(
        version=version,
        key="notes",
        label="Notes",
        kind=Question.Kind.LONG_TEXT,
        position=6,
        discipline=engineering,
    )
    return factories.publish_version(version)


COMPLETE = {
    "part_number": "AX-100",
    "quantity": 250,
    "needs_certificate": True,
    "certificate_type": "3.1",
}


@pytest.fixture
def customer(db):
    return factories.CustomerFactory(name="Acme Precision Ltd", account_code="ACME-1")


@pytest.fixture
def draft(intake_version, customer, service_user):
    """A draft order (revision 1) with complete answers, entered by phone."""
    return req_services.intake_start(
        user=service_user,
        form_version=intake_version,
        channel=Channel.PHONE,
        customer=customer,
        customer_reference="PO-778",
        answers=COMPLETE,
    )


def answer_post(answers: dict, **extra: object) -> dict:
    """POST data for the order-form answers (the pages prefix them with a-)."""
    data = {}
    for key, value in answers.items():
        if isinstance(value, bool):
            value = "yes" if value else "no"
        data[f"a-{key}"] = value
    data.update(extra)
    return data
