from orders.models import OrderFormVersion
from tests import factories


def test_order_factory_builds_an_order_on_a_published_form(db):
    requirement = factories.RequirementFactory()
    order = requirement.requirement_set.order
    assert order.number.startswith("SO-")
    assert order.form_version.status == OrderFormVersion.Status.PUBLISHED
    assert order.form_version.questions.count() == 2


def test_order_numbers_come_from_the_sequence_in_order(db):
    first = factories.OrderFactory()
    second = factories.OrderFactory()
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1
