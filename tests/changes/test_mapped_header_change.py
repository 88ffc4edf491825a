"""A change order may move a header fact mapped onto a question (the delivery date):
the earlier signed record then shows it as a recorded edit, not as tampering, and
the chain and every signed content still verify."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from orders.models import Question
from tests import factories
from tests.changes.conftest import assess_all, raise_change, sign, submitted_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def dated_version(engineering, production, commercial):
    version = factories.OrderFormVersionFactory(
        form=factories.OrderFormFactory(name="Dated parts", slug="dated-parts")
    )
    factories.QuestionFactory(
        version=version,
        key="part_number",
        label="Part number",
        position=1,
        discipline=engineering,
    )
    factories.QuestionFactory(
        version=version,
        key="due",
        label="Delivery date",
        kind=Question.Kind.DATE,
        maps_to=Question.MapsTo.REQUESTED_DATE,
        position=2,
        discipline=production,
    )
    return factories.publish_version(version)


def test_a_change_order_moving_the_mapped_delivery_date_is_a_recorded_edit(
    client, dated_version, service_user, team, approver, auditor
):
    first = submitted_order(
        dated_version, service_user, {"part_number": "AX-1", "due": "2027-03-01"}
    )
    assess_all(first.review, team)
    sign(first.review, approver)
    order = first.order
    order.refresh_from_db()
    assert order.requested_date == dt.date(2027, 3, 1)

    change = raise_change(order, service_user, {"due": "2027-04-15"})
    assess_all(change.review, team)
    sign(change.review, approver)
    order.refresh_from_db()
    assert order.requested_date == dt.date(2027, 4, 15)

    call_command("verify_signatures", stdout=io.StringIO())  # raises when broken
    client.force_login(auditor)
    page = client.get(
        reverse("reviews:acceptance_record", args=[order.number, 1])
    ).content.decode()
    assert "2027-03-01" in page  # the value as signed
    assert "Changed since signing" in page
    assert 'data-changes="tampered"' not in page
    assert "order history" in page  # who moved it, from the order's history
