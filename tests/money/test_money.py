from decimal import Decimal

import pytest

from orders.money import AmountError, money_display, parse_amount


def test_amount_parses_exactly_without_float():
    assert parse_amount("0.10", "EUR") + parse_amount("0.20", "EUR") == Decimal("0.30")
    assert parse_amount("1,234.5", "EUR") == Decimal("1234.50")
    assert parse_amount("1 000", "JPY") == Decimal("1000")


@pytest.mark.parametrize(
    ("text", "currency", "message"),
    [
        ("12.345", "EUR", "EUR amounts have at most 2 decimals."),
        ("12.5", "JPY", "JPY amounts are whole numbers: no decimals."),
        ("1.2345", "KWD", "KWD amounts have at most 3 decimals."),
        ("1e5", "EUR", "Enter the amount as a number, e.g. 1234.50."),
        ("NaN", "EUR", "Enter the amount as a number, e.g. 1234.50."),
        ("<script>", "EUR", "Enter the amount as a number, e.g. 1234.50."),
        ("9" * 16, "EUR", "The amount is too large."),
    ],
)
def test_amount_refuses_what_its_currency_cannot_hold(text, currency, message):
    with pytest.raises(AmountError) as error:
        parse_amount(text, currency)
    assert str(error.value) == message


def test_trailing_zeros_beyond_the_minor_unit_are_accepted():
    assert parse_amount("1200.00", "JPY") == Decimal("1200")


def test_money_shows_grouped_with_the_currency_decimals():
    assert money_display(Decimal("1234.5"), "EUR") == "1,234.50 EUR"
    assert money_display(Decimal("1234567"), "JPY") == "1,234,567 JPY"
    assert money_display(Decimal("1.5"), "BHD") == "1.500 BHD"
