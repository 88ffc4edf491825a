from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from orders.models import Order
from orders.orderforms import services as form_services
from orders.orderforms.order_value import version_value_set
from reviews.models import Review
from reviews.signing import canonical_json, review_content_to_sign
from tests import factories
from tests.money.conftest import changed_money_order, money_version, submitted


def test_submitting_sets_quantity_times_unit_price(price_version, service_user):
    revision = submitted(
        price_version,
        service_user,
        {
            "part": "P-1",
            "quantity": "3",
            "unit_price": {"amount": "12.35", "currency": "EUR"},
        },
    )
    order = Order.objects.get(pk=revision.order_id)
    assert order.value == Decimal("37.05")
    assert order.value_currency == "EUR"


def test_one_amount_is_the_value_when_no_quantity_is_named(db, service_user):
    version = money_version(quantity=False, currencies=("JPY",))
    revision = submitted(
        version,
        service_user,
        {"part": "P", "unit_price": {"amount": "5000", "currency": "JPY"}},
    )
    order = Order.objects.get(pk=revision.order_id)
    assert (order.value, order.value_currency) == (Decimal("5000"), "JPY")


def test_a_form_without_value_setting_leaves_value_unknown(db, service_user):
    version = factories.published_version()
    revision = submitted(version, service_user, {})
    order = Order.objects.get(pk=revision.order_id)
    assert order.value is None and order.value_currency == ""


def test_database_refuses_value_without_currency_or_negative(db):
    order = factories.OrderFactory()
    for value, currency in ((Decimal(1), ""), (Decimal(-1), "EUR"), (None, "EUR")):
        with pytest.raises(IntegrityError), transaction.atomic():
            Order.objects.filter(pk=order.pk).update(
                value=value, value_currency=currency
            )
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(value=1, value_currency="eur")


def test_value_setting_needs_an_amount_and_a_number(db):
    version = money_version(publish=False)
    with pytest.raises(ValidationError) as error:
        version_value_set(version=version, value_question="part", quantity_question="")
    assert "amount with currency" in error.value.message_dict["value_question"][0]
    with pytest.raises(ValidationError) as error:
        version_value_set(
            version=version, value_question="unit_price", quantity_question="part"
        )
    assert "quantity" in error.value.message_dict["value_quantity_question"][0]
    with pytest.raises(ValidationError):
        version_value_set(
            version=version, value_question="nothing", quantity_question=""
        )


def test_value_setting_of_a_published_version_is_refused(price_version):
    with pytest.raises(ValidationError):
        version_value_set(
            version=price_version, value_question="", quantity_question=""
        )


def test_a_question_the_value_uses_cannot_be_removed(db):
    version = money_version(publish=False)
    with pytest.raises(ValidationError):
        form_services.question_remove(question=version.questions.get(key="quantity"))


def test_a_new_draft_keeps_the_value_setting(price_version, form_admin):
    draft = form_services.version_start_draft(form=price_version.form, user=form_admin)
    assert (draft.value_question, draft.value_quantity_question) == (
        "unit_price",
        "quantity",
    )


def test_export_and_import_carry_amounts_and_the_value(price_version, form_admin):
    from orders.orderforms import json_io

    document = json_io.version_to_dict(price_version)
    assert document["value"] == {"amount": "unit_price", "quantity": "quantity"}
    price = next(q for q in document["questions"] if q["key"] == "unit_price")
    assert price["currencies"] == ["EUR", "USD", "JPY"]
    document["slug"] = "imported"
    version = form_services.version_import(data=document, user=form_admin)
    assert version.value_question == "unit_price"
    assert version.questions.get(key="unit_price").currencies == ["EUR", "USD", "JPY"]


def test_import_refuses_unknown_currency_and_bad_value(price_version, form_admin):
    from orders.orderforms import json_io

    document = json_io.version_to_dict(price_version)
    price = next(q for q in document["questions"] if q["key"] == "unit_price")
    price["currencies"] = ["EUR", "XXX"]
    document["value"] = {"amount": "part", "quantity": None}
    with pytest.raises(ValidationError) as error:
        form_services.version_import(data=document, user=form_admin)
    text = " ".join(error.value.messages)
    assert "unknown currency 'XXX'" in text
    assert "not an amount question" in text


def test_signed_content_holds_amount_and_currency(price_version, service_user):
    revision = submitted(
        price_version,
        service_user,
        {
            "part": "P-1",
            "quantity": "2",
            "unit_price": {"amount": "1234.5", "currency": "USD"},
        },
    )
    review = Review.objects.get(order=revision.order)
    content = canonical_json(review_content_to_sign(review))
    assert '"value":{"amount":"1234.50","currency":"USD"}' in content
    assert "1,234.50 USD" in content


def test_a_rejected_change_gives_the_order_back_its_agreed_value_and_date(
    service_user, approver
):
    """The order's value and requested date follow a submitted change order; when
    the change is rejected the order holds what was agreed before it."""
    change, decide = changed_money_order(service_user, approver)
    order = change.order
    order.refresh_from_db()
    assert order.value == Decimal("500.00")
    assert str(order.requested_date) == "2027-01-15"

    decide(change.review, "reject", "Not that many by January")

    order.refresh_from_db()
    assert order.status == Order.Status.ACCEPTED
    assert (order.value, order.value_currency) == (Decimal("20.00"), "EUR")
    assert str(order.requested_date) == "2027-03-01"
