"""What an order on a form version is worth: the form's value setting.

Either one amount question is the order's value, or a quantity question (a whole or
decimal number) times a unit-price amount question. The setting names question keys
of the same version; it changes only while the version is a draft, and publishing
checks it again (a question may have been removed or changed since).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from orders.models import OrderFormVersion, Question
from orders.money import AMOUNT_BOUND, Money, decimals_of, money_from_answer

Kind = Question.Kind
QUANTITY_KINDS = frozenset({Kind.INTEGER, Kind.DECIMAL})


def value_setting_problems(
    questions: Iterable[Question], value_question: str, quantity_question: str
) -> dict[str, str]:
    """field -> message for a value setting against a version's questions."""
    by_key = {q.key: q for q in questions}
    problems: dict[str, str] = {}
    if not value_question:
        if quantity_question:
            problems["value_question"] = (
                "Choose the unit-price amount question the quantity multiplies."
            )
        return problems
    amount = by_key.get(value_question)
    if amount is None:
        problems["value_question"] = (
            f"There is no question {value_question!r} in this version."
        )
    elif amount.kind != Kind.AMOUNT:
        problems["value_question"] = (
            f"{amount.key} is a {amount.get_kind_display().lower()} question: "
            "the value comes from an amount with currency question."
        )
    if quantity_question:
        quantity = by_key.get(quantity_question)
        if quantity is None:
            problems["value_quantity_question"] = (
                f"There is no question {quantity_question!r} in this version."
            )
        elif quantity.kind not in QUANTITY_KINDS:
            problems["value_quantity_question"] = (
                f"{quantity.key} is a {quantity.get_kind_display().lower()} "
                "question: a quantity is a whole or decimal number."
            )
        elif quantity_question == value_question:
            problems["value_quantity_question"] = "Choose two different questions."
    return problems


@transaction.atomic
def version_value_set(
    *, version: OrderFormVersion, value_question: str, quantity_question: str
) -> OrderFormVersion:
    """Set (or clear, with two blanks) what an order on this draft version is worth."""
    version = OrderFormVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_editable:
        raise ValidationError(
            f"Version {version.number} is {version.get_status_display().lower()}: "
            "start a new draft to change what an order is worth."
        )
    problems = value_setting_problems(
        version.questions.all(), value_question, quantity_question
    )
    if problems:
        raise ValidationError(problems)
    version.value_question = value_question
    version.value_quantity_question = quantity_question
    version.save(update_fields=["value_question", "value_quantity_question"])
    return version


def _quantity(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def order_value_of(
    version: OrderFormVersion, answers: Mapping[str, Any]
) -> Money | None:
    """What answers on this version are worth; None when the form says nothing or
    an answer is missing. Rounded half-even to the currency's decimals."""
    if not version.value_question:
        return None
    money = money_from_answer(answers.get(version.value_question))
    if money is None:
        return None
    amount = money.amount
    if version.value_quantity_question:
        quantity = _quantity(answers.get(version.value_quantity_question))
        if quantity is None:
            return None
        amount = amount * quantity
    amount = amount.quantize(Decimal(1).scaleb(-decimals_of(money.currency)))
    if amount < 0 or amount >= AMOUNT_BOUND:
        return None
    return Money(amount, money.currency)
