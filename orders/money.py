"""Amounts of money: ISO 4217 currencies with their minor units, parsed exactly.

An amount is a Decimal, never a float: text is parsed digit by digit and refused when
it has more decimals than its currency has (3.505 EUR is not an amount of euros).
Stored answers hold {"amount": "1234.50", "currency": "EUR"}: the amount as text, so
JSON never turns it into a float.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# ISO 4217 code: (name, decimals of its minor unit).
CURRENCIES: dict[str, tuple[str, int]] = {
    "AED": ("UAE dirham", 2),
    "AUD": ("Australian dollar", 2),
    "BHD": ("Bahraini dinar", 3),
    "BRL": ("Brazilian real", 2),
    "CAD": ("Canadian dollar", 2),
    "CHF": ("Swiss franc", 2),
    "CNY": ("Chinese yuan", 2),
    "CZK": ("Czech koruna", 2),
    "DKK": ("Danish krone", 2),
    "EUR": ("Euro", 2),
    "GBP": ("Pound sterling", 2),
    "HKD": ("Hong Kong dollar", 2),
    "HUF": ("Hungarian forint", 2),
    "IDR": ("Indonesian rupiah", 2),
    "ILS": ("Israeli new shekel", 2),
    "INR": ("Indian rupee", 2),
    "ISK": ("Icelandic króna", 0),
    "JPY": ("Japanese yen", 0),
    "KRW": ("South Korean won", 0),
    "KWD": ("Kuwaiti dinar", 3),
    "MXN": ("Mexican peso", 2),
    "MYR": ("Malaysian ringgit", 2),
    "NOK": ("Norwegian krone", 2),
    "NZD": ("New Zealand dollar", 2),
    "OMR": ("Omani rial", 3),
    "PLN": ("Polish złoty", 2),
    "RON": ("Romanian leu", 2),
    "SAR": ("Saudi riyal", 2),
    "SEK": ("Swedish krona", 2),
    "SGD": ("Singapore dollar", 2),
    "THB": ("Thai baht", 2),
    "TRY": ("Turkish lira", 2),
    "TWD": ("New Taiwan dollar", 2),
    "USD": ("US dollar", 2),
    "VND": ("Vietnamese đồng", 0),
    "ZAR": ("South African rand", 2),
}
# What Order.value and an amount answer hold: 15 digits before the point, 3 after.
MAX_DIGITS = 18
MAX_DECIMALS = 3
AMOUNT_BOUND = Decimal(10) ** (MAX_DIGITS - MAX_DECIMALS)
_AMOUNT_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class AmountError(ValueError):
    """A text or value that is not an amount of its currency; str() says why."""


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def as_answer(self) -> dict[str, str]:
        return {
            "amount": amount_text(self.amount, self.currency),
            "currency": self.currency,
        }

    def __str__(self) -> str:
        return money_display(self.amount, self.currency)


def decimals_of(currency: str) -> int:
    return CURRENCIES[currency][1]


def is_currency(code: object) -> bool:
    return isinstance(code, str) and code in CURRENCIES


def parse_amount(text: object, currency: str) -> Decimal:
    """The Decimal an amount text means in this currency, or AmountError.

    Accepts digits with one point ("1234.50"); spaces, thin spaces, apostrophes and
    commas as thousands separators are dropped ("1 234.50", "1,234.50"). Never goes
    through float.
    """
    if isinstance(text, bool) or not isinstance(text, str | int | Decimal):
        raise AmountError("Enter the amount as a number, e.g. 1234.50.")
    raw = str(text).strip()
    for separator in (" ", "\u00a0", "\u202f", "'", ","):
        raw = raw.replace(separator, "")
    if not raw:
        raise AmountError("Enter an amount.")
    if not _AMOUNT_RE.match(raw):
        raise AmountError("Enter the amount as a number, e.g. 1234.50.")
    try:
        number = Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern keeps this out
        raise AmountError("Enter the amount as a number, e.g. 1234.50.") from None
    if currency not in CURRENCIES:
        raise AmountError(f"{currency!r} is not a known currency.")
    places = decimals_of(currency)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        # "12.50" for JPY has a zero to drop, but people meant what they typed.
        if number != number.quantize(Decimal(1).scaleb(-places)):
            if places == 0:
                raise AmountError(f"{currency} amounts are whole numbers: no decimals.")
            raise AmountError(f"{currency} amounts have at most {places} decimals.")
        number = number.quantize(Decimal(1).scaleb(-places))
    if abs(number) >= AMOUNT_BOUND:
        raise AmountError("The amount is too large.")
    return number


def amount_text(amount: Decimal, currency: str) -> str:
    """The amount with exactly its currency's decimals, no separators: "1234.50"."""
    places = decimals_of(currency) if currency in CURRENCIES else MAX_DECIMALS
    return format(amount.quantize(Decimal(1).scaleb(-places)), "f")


def money_display(amount: Decimal | None, currency: str) -> str:
    """ "1,234.50 EUR": grouped thousands, the currency's decimals, its code."""
    if amount is None:
        return "—"
    places = decimals_of(currency) if currency in CURRENCIES else MAX_DECIMALS
    return f"{amount:,.{places}f} {currency}".strip()


def money_from_answer(value: object) -> Money | None:
    """A stored amount answer as Money; None when it is not a complete one."""
    if not isinstance(value, Mapping):
        return None
    currency = value.get("currency")
    if not is_currency(currency):
        return None
    try:
        return Money(parse_amount(value.get("amount"), currency), currency)
    except AmountError:
        return None
