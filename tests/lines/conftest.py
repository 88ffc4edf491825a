"""A published form with lines: a PO number asked once, then per line a part,
a quantity, whether it is coated and (when it is) the coating thickness."""

import pytest

from orders.models import Channel, FormSection, Question
from requirements import services as req_services
from tests import factories


@pytest.fixture
def lines_version(engineering, production, quality):
    version = factories.OrderFormVersionFactory(
        form=factories.OrderFormFactory(name="Job shop order", slug="job-shop")
    )
    q = factories.QuestionFactory
    q(version=version, key="po", label="PO number", position=1, discipline=engineering)
    q(
        version=version,
        key="express",
        label="Express?",
        kind=Question.Kind.YES_NO,
        position=2,
        discipline=production,
    )
    common = {"version": version, "section": "Lines"}
    q(
        **common,
        key="part",
        label="Part number",
        required=True,
        position=3,
        discipline=engineering,
    )
    q(
        **common,
        key="qty",
        label="Quantity",
        kind=Question.Kind.INTEGER,
        min_value=1,
        required=True,
        position=4,
        discipline=production,
    )
    q(
        **common,
        key="coated",
        label="Coated?",
        kind=Question.Kind.YES_NO,
        position=5,
        discipline=quality,
    )
    q(
        **common,
        key="thickness",
        label="Coating thickness",
        kind=Question.Kind.INTEGER,
        required=True,
        show_if_question="coated",
        show_if_values=["yes"],
        position=6,
        discipline=quality,
    )
    q(
        **common,
        key="express_date",
        label="Express date",
        kind=Question.Kind.DATE,
        show_if_question="express",
        show_if_values=["yes"],
        position=7,
        discipline=production,
    )
    q(version=version, key="notes", label="Notes", position=8, discipline=engineering)
    FormSection.objects.create(
        version=version, name="Lines", min_entries=1, max_entries=3, entry_label="Line"
    )
    return factories.publish_version(version)


LINES_ANSWERS = {
    "po": "4500123",
    "@lines": {
        "Lines": [
            {"line": "new-1", "answers": {"part": "AB-1", "qty": "500"}},
            {
                "line": "new-2",
                "answers": {
                    "part": "AB-2",
                    "qty": "20",
                    "coated": True,
                    "thickness": 25,
                },
            },
        ]
    },
}


@pytest.fixture
def lines_draft(lines_version, service_user):
    return req_services.intake_start(
        user=service_user,
        form_version=lines_version,
        channel=Channel.PHONE,
        customer=factories.CustomerFactory(),
        answers=LINES_ANSWERS,
    )
