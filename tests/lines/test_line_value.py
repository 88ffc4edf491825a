"""An order's value when the price is asked per line: the sum over its lines."""

from decimal import Decimal

from orders.models import Channel, FormSection, Order, Question
from orders.orderforms.order_value import order_value_of
from requirements import services as req_services
from reviews.models import Review
from reviews.record import record_content
from tests import factories

Kind = Question.Kind


def _priced_lines_version(currencies=("EUR", "USD")):
    version = factories.OrderFormVersionFactory()
    q = factories.QuestionFactory
    q(version=version, key="po", label="PO number", position=1)
    common = {"version": version, "section": "Lines"}
    q(**common, key="part", label="Part", required=True, position=2)
    q(**common, key="qty", label="Quantity", kind=Kind.INTEGER, min_value=1, position=3)
    q(
        **common,
        key="price",
        label="Unit price",
        kind=Kind.AMOUNT,
        currencies=list(currencies),
        position=4,
    )
    FormSection.objects.create(version=version, name="Lines", max_entries=10)
    version.value_question = "price"
    version.value_quantity_question = "qty"
    version.save()
    return factories.publish_version(version)


def _line(part, qty, amount, currency="EUR"):
    return {
        "line": f"new-{part}",
        "answers": {
            "part": part,
            "qty": qty,
            "price": {"amount": amount, "currency": currency},
        },
    }


def _submit(version, user, entries):
    revision = req_services.intake_start(
        user=user,
        form_version=version,
        channel=Channel.PHONE,
        customer=factories.CustomerFactory(),
        documented_statement=True,
        answers={"po": "4500123", "@lines": {"Lines": entries}},
    )
    return req_services.revision_submit(revision=revision, user=user)


def test_the_order_is_worth_the_sum_of_its_lines(db, service_user):
    version = _priced_lines_version()
    revision = _submit(
        version,
        service_user,
        [_line("A-1", "3", "12.35"), _line("A-2", "10", "0.50")],
    )
    order = Order.objects.get(pk=revision.order_id)
    assert (order.value, order.value_currency) == (Decimal("42.05"), "EUR")


def test_lines_in_different_currencies_are_never_added_up(db, service_user):
    version = _priced_lines_version()
    revision = _submit(
        version,
        service_user,
        [_line("A-1", "3", "12.35"), _line("A-2", "10", "0.50", "USD")],
    )
    order = Order.objects.get(pk=revision.order_id)
    assert (order.value, order.value_currency) == (None, "")


def test_the_signed_requirement_values_give_the_same_sum(db, service_user):
    version = _priced_lines_version()
    revision = _submit(
        version, service_user, [_line("A-1", "2", "100"), _line("A-2", "1", "5.5")]
    )
    values = {r.key: r.value for r in revision.requirements.all()}
    assert "L1.price" in values and "price" not in values
    assert str(order_value_of(version, values)) == str(
        order_value_of(version, revision.answers)
    )
    assert order_value_of(version, values).amount == Decimal("205.50")


def test_the_record_shows_the_sum_of_the_lines(db, service_user):
    version = _priced_lines_version()
    revision = _submit(version, service_user, [_line("A-1", "4", "2.50")])
    review = Review.objects.get(order=revision.order)
    content = record_content(review, None)
    assert "10.00 EUR" in content.value
