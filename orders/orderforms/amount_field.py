"""The answer field of an amount question: an amount and its currency.

One currency: the amount input with the code beside it (a hidden input carries it).
Several: the amount input and a select of the currencies the form takes. Parsing is
orders.money's: exact decimals, never float, no more decimals than the currency has.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from orders.money import (
    CURRENCIES,
    AmountError,
    Money,
    money_display,
    parse_amount,
)


class AmountWidget(forms.MultiWidget):
    """Renders name_0 (the amount) and name_1 (the currency)."""

    def __init__(self, currencies: Sequence[str], attrs: dict | None = None) -> None:
        amount = forms.TextInput(
            attrs={
                "inputmode": "decimal",
                "autocomplete": "off",
                "class": "form-control",
            }
        )
        if len(currencies) == 1:
            currency: forms.Widget = forms.HiddenInput()
        else:
            currency = forms.Select(
                choices=[("", "Currency"), *[(c, c) for c in currencies]],
                attrs={"class": "form-select", "aria-label": "Currency"},
            )
        self.fixed = currencies[0] if len(currencies) == 1 else None
        super().__init__([amount, currency], attrs)

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        if self.fixed and isinstance(value, list | tuple):
            value = [*value, None][:1] + [self.fixed]
        return super().get_context(name, value, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, Mapping):
            parts = [value.get("amount"), value.get("currency")]
        elif isinstance(value, list | tuple):
            parts = [*value, None, None][:2]
        else:
            parts = [value, None]
        return [parts[0], parts[1] or self.fixed]


class AmountField(forms.Field):
    """Cleans to {"amount": "1234.50", "currency": "EUR"} or None (no amount)."""

    def __init__(
        self,
        *,
        currencies: Sequence[str],
        min_value: Decimal | None = None,
        max_value: Decimal | None = None,
        **kwargs: Any,
    ) -> None:
        self.currencies = [c for c in currencies if c in CURRENCIES]
        self.min_value = min_value
        self.max_value = max_value
        kwargs.setdefault("widget", AmountWidget(self.currencies))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dict[str, str] | None:
        amount, currency = self.widget.decompress(value)
        amount = "" if amount is None else str(amount).strip()
        currency = "" if currency is None else str(currency).strip().upper()
        if len(self.currencies) == 1 and not currency:
            currency = self.currencies[0]
        if not amount:
            return None
        if currency not in self.currencies:
            if not currency and len(self.currencies) > 1:
                raise ValidationError("Choose the currency.", code="currency")
            raise ValidationError(
                "This form takes amounts in "
                f"{', '.join(self.currencies) or 'no currency'} only.",
                code="currency",
            )
        try:
            number = parse_amount(amount, currency)
        except AmountError as error:
            raise ValidationError(str(error), code="invalid") from None
        if self.min_value is not None and number < self.min_value:
            low = money_display(Decimal(self.min_value), currency)
            raise ValidationError(f"Enter at least {low}.", code="min_value")
        if self.max_value is not None and number > self.max_value:
            high = money_display(Decimal(self.max_value), currency)
            raise ValidationError(f"Enter at most {high}.", code="max_value")
        return Money(number, currency).as_answer()

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != self.to_python(initial)
        except ValidationError:
            return True
