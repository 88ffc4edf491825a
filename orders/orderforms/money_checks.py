"""Checks of the money parts of an order form document: an amount question's
currencies and the form's order value (used by orders.orderforms.document_checks)."""

from __future__ import annotations

from collections.abc import Mapping

from orders.models import Question
from orders.money import is_currency
from orders.orderforms.answers import UNIT_KINDS

Kind = Question.Kind


def currency_problems(currencies: object) -> list[tuple[str, str]]:
    if not isinstance(currencies, list) or not currencies:
        return [("currencies", "an amount question needs at least one currency")]
    unknown = [c for c in currencies if not is_currency(c)]
    if unknown:
        shown = ", ".join(repr(str(c)[:10]) for c in unknown[:5])
        return [
            (
                "currencies",
                f"unknown currency {shown}: use ISO 4217 codes such as EUR, USD",
            )
        ]
    if len(set(currencies)) != len(currencies):
        return [("currencies", "currencies repeat")]
    return []


def value_problems(rule: object, questions: list) -> list[str]:
    """The document's order value: {"amount": KEY, "quantity": KEY or null}."""
    if rule is None:
        return []
    if (
        not isinstance(rule, Mapping)
        or not set(rule) <= {"amount", "quantity"}
        or not isinstance(rule.get("amount"), str)
        or not isinstance(rule.get("quantity") or "", str)
    ):
        return ['value must be {"amount": KEY, "quantity": KEY or null} or null']
    kinds = {
        item.get("key"): item.get("kind")
        for item in questions
        if isinstance(item, Mapping) and isinstance(item.get("key"), str)
    }
    problems = []
    amount, quantity = rule["amount"], rule.get("quantity")
    if kinds.get(amount) != Kind.AMOUNT:
        problems.append(f"value: amount names {amount!r}, not an amount question")
    if quantity and kinds.get(quantity) not in UNIT_KINDS:
        problems.append(f"value: quantity names {quantity!r}, not a number question")
    return problems
