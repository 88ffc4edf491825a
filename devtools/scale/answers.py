"""Plausible answers to an order form's questions, for seed_scale."""

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from orders.models import Question
from orders.money import decimals_of, is_currency
from orders.orderforms.order_value import order_value_of


def _choices(question: Question) -> list[str]:
    return [
        str(c.get("value") if isinstance(c, dict) else c) for c in question.choices
    ] or ["Standard"]


def _answer(question: Question, rnd: random.Random, serial: int) -> Any:
    kind = question.kind
    Kind = Question.Kind
    if kind == Kind.INTEGER:
        low = int(question.min_value if question.min_value is not None else 1)
        high = int(question.max_value if question.max_value is not None else 5000)
        return rnd.randint(low, min(high, low + 5000))
    if kind == Kind.DECIMAL:
        low = float(question.min_value if question.min_value is not None else 0)
        return f"{low + rnd.randint(1, 9999) / 100:.2f}"
    if kind == Kind.AMOUNT:
        currency = (question.currencies or ["EUR"])[0]
        places = decimals_of(currency) if is_currency(currency) else 2
        cents = rnd.randint(100, 250_000)
        amount = Decimal(cents).scaleb(-2).quantize(Decimal(1).scaleb(-places))
        return {"amount": format(amount, "f"), "currency": currency}
    if kind == Kind.DATE:
        return (date(2026, 1, 1) + timedelta(days=rnd.randint(0, 700))).isoformat()
    if kind == Kind.YES_NO:
        return rnd.choice(["yes", "no"])
    if kind == Kind.SINGLE_CHOICE:
        return rnd.choice(_choices(question))
    if kind == Kind.MULTIPLE_CHOICE:
        return [rnd.choice(_choices(question))]
    if kind == Kind.FILE:
        name = f"{question.key}-{serial}.pdf"
        return {
            "name": name,
            "path": f"uploads/scale/{question.key}/{name}",
            "size": rnd.randint(20_000, 900_000),
            "content_type": "application/pdf",
        }
    if kind == Kind.EMAIL:
        return f"buyer{serial % 997}@customer{serial % 89}.example"
    if kind == Kind.LONG_TEXT:
        return f"Please see drawing notes, batch {serial}."
    return f"{question.key.upper()[:6]}-{serial}"


def answers_for(
    questions: list[Question],
    rnd: random.Random,
    serial: int,
    *,
    always: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Every required visible question answered, and those named in always (what
    the order is worth), optional ones a quarter of the time."""
    answers: dict[str, Any] = {}
    for question in questions:
        if question.show_if_question:
            controller = answers.get(question.show_if_question)
            given = controller if isinstance(controller, list) else [controller]
            if not set(map(str, given)) & set(map(str, question.show_if_values)):
                continue
        if question.required or question.key in always or rnd.random() < 0.25:
            answers[question.key] = _answer(question, rnd, serial)
    if not answers:
        # A form of optional questions only: an order still states something.
        first = questions[0]
        answers[first.key] = _answer(first, rnd, serial)
    return answers


def value_set(order: dict[str, Any], version: Any, answers: dict[str, Any]) -> None:
    """What the order is worth by these answers (orders.services.order_value_apply
    does the same on submit)."""
    money = order_value_of(version, answers)
    order["value"] = money.amount if money else None
    order["value_currency"] = money.currency if money else ""
