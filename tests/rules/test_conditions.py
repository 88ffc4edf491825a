"""Each condition kind: when a rule applies to a review, and why it says it does."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from reviews import approval, approval_conditions, selectors
from reviews.models import ApprovalRule
from tests.rules.conftest import assess_all, review_with, rule

pytestmark = pytest.mark.django_db


def applying(review):
    return approval.rules_applying(selectors.review_for_content(review.pk))


def compared(operator, number, key="thickness"):
    return [
        {
            "kind": "answer_compared",
            "question": key,
            "operator": operator,
            "number": number,
        }
    ]


@pytest.mark.parametrize(
    ("operator", "number", "applies"),
    [
        ("gt", "12", False),
        ("gt", "11.5", True),
        ("gte", "12", True),
        ("lt", "12", False),
        ("lte", "12", True),
        ("eq", "12.0", True),
        ("eq", "13", False),
    ],
)
def test_answer_compared_with_a_number(
    engineering, commercial, operator, number, applies
):
    review = review_with({"thickness": "12"}, engineering, commercial)
    rule(name="Thick", conditions=compared(operator, number))
    found = applying(review)
    assert bool(found) is applies
    if applies:
        assert "the answer to “thickness” is 12" in found[0]["why"][0]


def test_answer_compared_does_not_apply_to_text_or_a_missing_answer(
    engineering, commercial
):
    review = review_with({"thickness": "thin"}, engineering, commercial)
    rule(conditions=compared("gt", "1"))
    rule(conditions=compared("gt", "1", key="nowhere"))
    assert applying(review) == []


def test_answer_in_a_list_of_choices(engineering, commercial):
    review = review_with({"material": "titanium"}, engineering, commercial)
    rule(
        name="Exotic",
        conditions=[
            {
                "kind": "answer_in",
                "question": "material",
                "choices": ["Inconel", "Titanium"],
            }
        ],
    )
    rule(
        name="Plain",
        conditions=[
            {"kind": "answer_in", "question": "material", "choices": ["steel"]}
        ],
    )
    assert [r["name"] for r in applying(review)] == ["Exotic"]


def test_answer_in_choices_matches_any_item_of_a_multiple_choice(
    engineering, commercial
):
    review = review_with({"tests": ["ut", "xray"]}, engineering, commercial)
    rule(conditions=[{"kind": "answer_in", "question": "tests", "choices": ["xray"]}])
    assert len(applying(review)) == 1


@pytest.mark.parametrize(
    ("value", "applies"), [("yes", True), (True, True), ("no", False)]
)
def test_yes_no_answer_is_yes(engineering, commercial, value, applies):
    review = review_with({"export": value}, engineering, commercial)
    rule(conditions=[{"kind": "answer_yes", "question": "export"}])
    assert bool(applying(review)) is applies


def test_assessment_with_conditions_in_a_discipline(
    engineering, commercial, reviewer, approver
):
    review = review_with({}, engineering, commercial)
    rule(
        conditions=[
            {
                "kind": "with_conditions",
                "discipline": "engineering",
                "discipline_name": "Engineering",
            }
        ]
    )
    assert applying(review) == []
    assess_all(
        review,
        {"engineering": reviewer, "commercial": approver},
        "conditions",
        "6 weeks",
    )
    found = applying(review)
    assert "Engineering assessed" in found[0]["why"][0]


def test_with_conditions_in_another_discipline_does_not_apply(
    engineering, commercial, reviewer, approver
):
    review = review_with({}, engineering, commercial)
    rule(
        conditions=[
            {
                "kind": "with_conditions",
                "discipline": "quality",
                "discipline_name": "Quality",
            }
        ]
    )
    assess_all(
        review, {"engineering": reviewer, "commercial": approver}, "conditions", "x"
    )
    assert applying(review) == []


def test_the_customers_first_order(engineering, commercial):
    first = review_with({}, engineering, commercial)
    rule(conditions=[{"kind": "first_order"}])
    assert "first order of" in applying(first)[0]["why"][0]
    second = review_with({}, engineering, commercial, customer=first.order.customer)
    assert applying(second) == []


def test_a_quote_before_it_does_not_make_an_order_the_second(engineering, commercial):
    quote = review_with(
        {},
        engineering,
        commercial,
        kind="quote",
        number="QU-2026-000001",
        valid_until=datetime.date(2026, 12, 31),
    )
    order = review_with({}, engineering, commercial, customer=quote.order.customer)
    rule(conditions=[{"kind": "first_order"}])
    assert "first order of" in applying(order)[0]["why"][0]


def test_conditions_are_anded(engineering, commercial):
    review = review_with({"thickness": "12", "export": "no"}, engineering, commercial)
    rule(
        conditions=[
            *compared("gt", "10"),
            {"kind": "answer_yes", "question": "export"},
        ]
    )
    assert applying(review) == []


def test_inactive_rules_and_rules_for_quotes_or_change_orders_do_not_apply_to_an_order(
    engineering, commercial
):
    review = review_with({}, engineering, commercial)
    rule(name="Off", active=False)
    rule(name="Changes", applies_to=[ApprovalRule.AppliesTo.CHANGES])
    rule(name="Quotes", applies_to=[ApprovalRule.AppliesTo.QUOTES])
    rule(name="Orders", applies_to=[ApprovalRule.AppliesTo.ORDERS])
    assert [r["name"] for r in applying(review)] == ["Orders"]


def test_the_snapshot_names_the_rule_version(engineering, commercial):
    review = review_with({}, engineering, commercial)
    saved = rule(name="Two")
    found = applying(review)[0]
    assert found["version"] == saved.history.latest().history_id
    assert found["why"] == ["it applies to every review it covers"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"operator": "gt", "number": "1"}, "question"),
        ({"question": "k", "operator": "??", "number": "1"}, "operator"),
        ({"question": "k", "operator": "gt", "number": "lots"}, "number"),
    ],
)
def test_a_comparison_with_a_missing_part_is_refused_beside_the_field(data, field):
    with pytest.raises(ValidationError) as error:
        approval_conditions.KINDS["answer_compared"].clean(data)
    assert field in error.value.message_dict


def test_choices_must_be_listed():
    with pytest.raises(ValidationError) as error:
        approval_conditions.KINDS["answer_in"].clean(
            {"question": "k", "choices": " , "}
        )
    assert "choices" in error.value.message_dict


def test_describing_a_condition_reads_as_a_sentence():
    assert approval_conditions.describe(compared("gte", "5")[0]) == (
        "answer to “thickness” >= 5"
    )


@pytest.mark.parametrize(
    ("value", "currency", "applies"),
    [
        ("10000.01", "EUR", True),
        ("10000.00", "EUR", False),
        ("250000", "USD", False),  # another currency is never converted
        (None, "", False),  # the form says nothing of the order's value
    ],
)
def test_order_value_above_an_amount_in_one_currency(
    engineering, commercial, value, currency, applies
):
    review = review_with(
        {"part": "P-1"},
        engineering,
        commercial,
        value=Decimal(value) if value else None,
        value_currency=currency,
    )
    params = approval_conditions.KINDS["order_value_above"].clean(
        {"number": "10,000", "currency": "eur"}
    )
    assert params == {"kind": "order_value_above", "number": "10000", "currency": "EUR"}
    rule(name="Large", conditions=[params])
    found = applying(review)
    assert bool(found) is applies
    if applies:
        assert found[0]["why"] == [
            "the order's value is 10,000.01 EUR (above 10,000.00 EUR)"
        ]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"number": "10000", "currency": "XYZ"}, "currency", "ISO 4217"),
        ({"number": "ten", "currency": "EUR"}, "number", "as a number"),
        ({"number": "1.001", "currency": "EUR"}, "number", "at most 2 decimals"),
    ],
)
def test_order_value_condition_refuses_bad_amounts(data, field, message):
    with pytest.raises(ValidationError) as error:
        approval_conditions.KINDS["order_value_above"].clean(data)
    assert message in " ".join(error.value.message_dict[field])
