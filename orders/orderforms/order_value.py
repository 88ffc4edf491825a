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
from orders.orderforms import lines
from orders.orderforms.answers import UNIT_KINDS
from orders.orderforms.document_checks import finite_decimal

Kind = Question.Kind
# A quantity is a whole or decimal number: the kinds that take a unit.
QUANTITY_KINDS = UNIT_KINDS


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


def _line_answers(answers: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Each line's answers, from a revision's answers (lines under "@lines") or
    from requirement values keyed "L3.unit_price" (the signed content, a diff)."""
    if isinstance(answers.get(lines.LINES), Mapping):
        return [
            entry["answers"]
            for name in answers[lines.LINES]
            for entry in lines.entries_of(answers, name)
        ]
    by_line: dict[str, dict[str, Any]] = {}
    for key, value in answers.items():
        line = lines.line_of_key(str(key))
        if line:
            question = str(key)[len(line) + len(lines.KEY_SEPARATOR) :]
            by_line.setdefault(line, {})[question] = value
    return [by_line[line] for line in sorted(by_line, key=lines.line_number)]


def _worth(
    version: OrderFormVersion, scope: Mapping[str, Any], outer: Mapping[str, Any]
) -> Money | None:
    """Amount (times quantity) answered in one scope: the order's answers, or one
    line's, where a quantity asked once (outside the lines) also counts."""
    money = money_from_answer(scope.get(version.value_question))
    if money is None:
        return None
    amount = money.amount
    if version.value_quantity_question:
        key = version.value_quantity_question
        quantity = finite_decimal(scope.get(key, outer.get(key)))
        if quantity is None:
            return None
        amount = amount * quantity
    return Money(amount, money.currency)


def order_value_of(
    version: OrderFormVersion, answers: Mapping[str, Any]
) -> Money | None:
    """What answers on this version are worth; None when the form says nothing or
    an answer is missing. When the amount is asked per line (a repeating section),
    the sum over the lines, each line's quantity times its unit price; None when a
    line is unanswered or the lines are in different currencies (never added up).
    Rounded half-even to the currency's decimals."""
    if not version.value_question:
        return None
    if version.value_question in answers:
        total = _worth(version, answers, answers)
    else:
        worth = [_worth(version, line, answers) for line in _line_answers(answers)]
        if not worth or None in worth or len({m.currency for m in worth}) != 1:
            return None
        total = Money(sum(m.amount for m in worth), worth[0].currency)
    if total is None:
        return None
    amount = total.amount.quantize(Decimal(1).scaleb(-decimals_of(total.currency)))
    if amount < 0 or amount >= AMOUNT_BOUND:
        return None
    return Money(amount, total.currency)
