"""The kinds of condition an approval rule can have, one small class a kind.

A rule's conditions are stored as [{"kind": KIND, param: value, ...}]. A kind says
which form fields it reads (FIELDS), checks and normalises them (clean), says in
words what it asks (describe) and whether a review meets it (why: the reason shown
on the record, or None). A new kind is one more class added to KINDS (and, when it
needs a parameter no kind has yet, one more field in approval_forms.ConditionForm).
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django.core.exceptions import ValidationError

from orders.money import AmountError, is_currency, money_display, parse_amount
from orders.orderforms.answers import YES, display_value

OPERATORS = {
    "gt": (">", lambda a, b: a > b),
    "gte": (">=", lambda a, b: a >= b),
    "lt": ("<", lambda a, b: a < b),
    "lte": ("<=", lambda a, b: a <= b),
    "eq": ("=", lambda a, b: a == b),
}


@dataclass(frozen=True)
class Facts:
    """What the conditions read of a review, gathered once (approval.facts_of)."""

    order: Any
    revision_number: int
    # Requirement key -> stored value, and the text a person read.
    answers: dict[str, Any] = field(default_factory=dict)
    displays: dict[str, str] = field(default_factory=dict)
    # Discipline slug -> requirement keys assessed "can meet with conditions".
    with_conditions: dict[str, list[str]] = field(default_factory=dict)
    first_order: bool = False
    # An order made from a quote (its first revision): each difference from the
    # quote not agreed with the customer, as "requirement (how it was resolved)".
    not_agreed: list[str] = field(default_factory=list)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _text(number: Decimal) -> str:
    """12.50 -> "12.5", 1E+3 -> "1000": a number as a person types it."""
    text = format(number.normalize(), "f")
    return text


class ConditionKind:
    KIND: ClassVar[str]
    LABEL: ClassVar[str]
    FIELDS: ClassVar[tuple[str, ...]] = ()

    def clean(self, data: dict[str, Any]) -> dict[str, Any]:
        """The stored parameters of the form row data; ValidationError by field."""
        return {"kind": self.KIND}

    def describe(self, params: dict[str, Any]) -> str:
        return self.LABEL

    def why(self, params: dict[str, Any], facts: Facts) -> str | None:
        raise NotImplementedError


def _question_key(data: dict[str, Any]) -> str:
    key = (data.get("question") or "").strip()
    if not key:
        raise ValidationError({"question": "Name the question (its key)."})
    return key


class AnswerCompared(ConditionKind):
    KIND = "answer_compared"
    LABEL = "An answer compared with a number"
    FIELDS = ("question", "operator", "number")

    def clean(self, data):
        key = _question_key(data)
        if data.get("operator") not in OPERATORS:
            raise ValidationError({"operator": "Choose how to compare."})
        number = _number(data.get("number"))
        if number is None:
            raise ValidationError({"number": "Enter the number to compare with."})
        return {
            "kind": self.KIND,
            "question": key,
            "operator": data["operator"],
            "number": _text(number),
        }

    def describe(self, params):
        symbol = OPERATORS[params["operator"]][0]
        return f"answer to “{params['question']}” {symbol} {params['number']}"

    def why(self, params, facts):
        answer = _number(facts.answers.get(params["question"]))
        if answer is None:
            return None
        symbol, compare = OPERATORS[params["operator"]]
        if not compare(answer, Decimal(params["number"])):
            return None
        shown = facts.displays.get(params["question"], _text(answer))
        return (
            f"the answer to “{params['question']}” is {shown} "
            f"({symbol} {params['number']})"
        )


class AnswerInChoices(ConditionKind):
    KIND = "answer_in"
    LABEL = "An answer is one of a list of choices"
    FIELDS = ("question", "choices")

    def clean(self, data):
        key = _question_key(data)
        raw = data.get("choices") or ""
        choices = [c.strip() for c in raw.replace("\n", ",").split(",") if c.strip()]
        if not choices:
            raise ValidationError({"choices": "List the choices, separated by commas."})
        return {"kind": self.KIND, "question": key, "choices": choices}

    def describe(self, params):
        listed = ", ".join(params["choices"])
        return f"answer to “{params['question']}” is one of: {listed}"

    def why(self, params, facts):
        if params["question"] not in facts.answers:
            return None
        value = facts.answers[params["question"]]
        given = value if isinstance(value, list) else [value]
        wanted = {c.casefold() for c in params["choices"]}
        shown = facts.displays.get(params["question"], "")
        matched = [
            item
            for item in given
            if str(item).casefold() in wanted
            or display_value(None, item).casefold() in wanted
        ]
        if not matched and shown.casefold() not in wanted:
            return None
        return f"the answer to “{params['question']}” is {shown}, one of the listed"


class AnswerIsYes(ConditionKind):
    KIND = "answer_yes"
    LABEL = "A yes/no answer is yes"
    FIELDS = ("question",)

    def clean(self, data):
        return {"kind": self.KIND, "question": _question_key(data)}

    def describe(self, params):
        return f"answer to “{params['question']}” is yes"

    def why(self, params, facts):
        value = facts.answers.get(params["question"])
        if value is True or str(value).lower() == YES:
            return f"the answer to “{params['question']}” is yes"
        return None


class AssessedWithConditions(ConditionKind):
    KIND = "with_conditions"
    LABEL = "Any assessment “can meet with conditions” in a discipline"
    FIELDS = ("discipline",)

    def clean(self, data):
        discipline = data.get("discipline")
        if not discipline:
            raise ValidationError({"discipline": "Choose the discipline."})
        return {
            "kind": self.KIND,
            "discipline": discipline.slug,
            "discipline_name": discipline.name,
        }

    def describe(self, params):
        return f"any {params['discipline_name']} assessment is “with conditions”"

    def why(self, params, facts):
        keys = facts.with_conditions.get(params["discipline"])
        if not keys:
            return None
        return (
            f"{params['discipline_name']} assessed “{', '.join(keys)}” "
            "as can meet with conditions"
        )


class FirstOrder(ConditionKind):
    KIND = "first_order"
    LABEL = "The customer's first order"

    def describe(self, params):
        return "the customer's first order"

    def why(self, params, facts):
        if not facts.first_order:
            return None
        return f"this is the first order of {facts.order.customer.name}"


class QuoteDifferenceNotAgreed(ConditionKind):
    """ISO 9001 8.2.3.1 e): the order differs from the quote it was made from in
    a way the customer did not agree to (accepted by a reviewer instead, or not
    resolved yet). Only an order's first revision is compared with its quote."""

    KIND = "quote_difference_not_agreed"
    LABEL = "A difference from the quote not agreed by the customer"

    def describe(self, params):
        return "a difference from the quote is not agreed by the customer"

    def why(self, params, facts):
        if not facts.not_agreed:
            return None
        return (
            f"it differs from quote {facts.order.quote.number} in "
            f"{', '.join(facts.not_agreed)}, not agreed by the customer"
        )


class OrderValueAbove(ConditionKind):
    """The order's value (orders.orderforms.order_value, set when the revision under
    review was submitted) above an amount in one currency. An order in another
    currency never matches: amounts are not converted (one rule per currency)."""

    KIND = "order_value_above"
    LABEL = "The order's value is above an amount"
    FIELDS = ("number", "currency")

    def clean(self, data):
        currency = (data.get("currency") or "").strip().upper()
        if not is_currency(currency):
            raise ValidationError(
                {"currency": "Enter an ISO 4217 currency code, e.g. EUR."}
            )
        try:
            amount = parse_amount(data.get("number"), currency)
        except AmountError as error:
            raise ValidationError({"number": str(error)}) from None
        return {
            "kind": self.KIND,
            "number": format(amount, "f"),
            "currency": currency,
        }

    def describe(self, params):
        limit = money_display(Decimal(params["number"]), params["currency"])
        return f"the order's value is above {limit}"

    def why(self, params, facts):
        value = getattr(facts.order, "value", None)
        currency = getattr(facts.order, "value_currency", "")
        if value is None or currency != params["currency"]:
            return None
        if not value > Decimal(params["number"]):
            return None
        limit = money_display(Decimal(params["number"]), params["currency"])
        return f"the order's value is {money_display(value, currency)} (above {limit})"


KINDS: dict[str, ConditionKind] = {
    kind.KIND: kind
    for kind in (
        AnswerCompared(),
        AnswerInChoices(),
        AnswerIsYes(),
        AssessedWithConditions(),
        FirstOrder(),
        OrderValueAbove(),
        QuoteDifferenceNotAgreed(),
    )
}
KIND_CHOICES = [(kind.KIND, kind.LABEL) for kind in KINDS.values()]


def describe(params: dict[str, Any]) -> str:
    kind = KINDS.get(params.get("kind", ""))
    return kind.describe(params) if kind else f"unknown condition {params!r}"


def matched(conditions: list[dict[str, Any]], facts: Facts) -> list[str] | None:
    """Why every condition holds (all must: they are ANDed), or None when one does
    not. A rule without conditions applies to every review it covers."""
    reasons = []
    for params in conditions:
        kind = KINDS.get(params.get("kind", ""))
        reason = kind.why(params, facts) if kind else None
        if reason is None:
            return None
        reasons.append(reason)
    return reasons
