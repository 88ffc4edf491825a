"""A decision notice tells the customer each accepted value as they wrote it:
with its unit and choice label (issue 14 run: the acceptance read
'Tightest dimensional tolerance: 0.040' for 0.040 mm)."""

import pytest
from django.core import mail

from orders.models import Question
from tests import factories
from tests.communications.conftest import make_decision, make_review
from tests.communications.test_notices import decide

pytestmark = pytest.mark.django_db


def test_an_acceptance_gives_each_value_with_its_unit(
    order, approver, django_capture_on_commit_callbacks
):
    version = factories.OrderFormVersionFactory()
    tolerance = factories.QuestionFactory(
        version=version, key="tolerance", kind=Question.Kind.DECIMAL, unit="mm"
    )
    count = factories.QuestionFactory(
        version=version, key="count", kind=Question.Kind.INTEGER, unit="pieces"
    )
    factories.publish_version(version)
    revision = factories.RequirementSetFactory(order=order, state="submitted")
    factories.RequirementFactory(
        requirement_set=revision,
        statement="Tightest tolerance",
        question=tolerance,
        value="0.040",
    )
    factories.RequirementFactory(
        requirement_set=revision, statement="Quantity", question=count, value=250
    )
    factories.RequirementFactory(
        requirement_set=revision, statement="Crates", question=None, value=True
    )
    review = make_review(revision)
    decision = make_decision(review, approver, outcome="accept")

    decide(review, decision, django_capture_on_commit_callbacks)

    body = mail.outbox[0].body
    assert "- Tightest tolerance: 0.040 mm" in body
    assert "- Quantity: 250 pieces" in body
    assert "- Crates: Yes" in body
