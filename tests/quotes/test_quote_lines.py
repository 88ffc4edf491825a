"""A quote with lines: the order made from it records a difference on a line's
answer even when the question's key is as long as a key may be (60 characters),
so the difference's key ("L1." and the question's key) is longer than 60."""

import pytest

from orders.models import Channel, FormSection
from requirements import quotes
from requirements import services as req_services
from requirements.models import QuoteDifference
from tests import factories
from tests.quotes.conftest import assess_all, sign, valid_until

pytestmark = pytest.mark.django_db

LONG_KEY = "q" * 60


@pytest.fixture
def long_key_version(engineering, production):
    version = factories.OrderFormVersionFactory(
        form=factories.OrderFormFactory(name="Long keys", slug="long-keys")
    )
    q = factories.QuestionFactory
    q(version=version, key="po", label="PO", position=1, discipline=engineering)
    q(
        version=version,
        section="Lines",
        key=LONG_KEY,
        label="Part number",
        required=True,
        position=2,
        discipline=production,
    )
    FormSection.objects.create(
        version=version, name="Lines", min_entries=1, max_entries=5, entry_label="Line"
    )
    return factories.publish_version(version)


def test_a_line_answer_with_a_long_key_is_recorded_as_a_difference(
    long_key_version, service_user, team, approver
):
    answers = {
        "po": "4500123",
        "@lines": {"Lines": [{"line": "new-1", "answers": {LONG_KEY: "AB-1"}}]},
    }
    quote = req_services.revision_submit(
        revision=req_services.intake_start(
            user=service_user,
            form_version=long_key_version,
            channel=Channel.EMAIL,
            customer=factories.CustomerFactory(),
            documented_statement=True,
            answers=answers,
            kind="quote",
            valid_until=valid_until(),
        ),
        user=service_user,
    )
    assess_all(quote.review, team)
    sign(quote.review, approver)
    quote.order.refresh_from_db()

    draft = quotes.order_from_quote(
        user=service_user, quote=quote.order, channel=Channel.EMAIL
    )
    changed = {**draft.answers}
    (line,) = changed["@lines"]["Lines"]
    changed["@lines"] = {
        "Lines": [{**line, "answers": {**line["answers"], LONG_KEY: "AB-2"}}]
    }
    draft = req_services.revision_answers_save(
        revision=draft, user=service_user, answers=changed
    )
    ordered = req_services.revision_submit(revision=draft, user=service_user)

    (difference,) = ordered.quote_differences.all()
    assert difference.key == f"L1.{LONG_KEY}"
    assert difference.change == QuoteDifference.Change.CHANGED
    assert (difference.quote_value, difference.order_value) == ("AB-1", "AB-2")
