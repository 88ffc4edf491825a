import pytest

from orders.orderforms.answer_form import answer_form_class
from orders.orderforms.answers import answers_typed, display_value
from tests.money.conftest import money_version


@pytest.fixture
def version(db):
    return money_version(currencies=("EUR", "USD", "JPY"))


def form_for(version, **data):
    form_class = answer_form_class(version)
    return form_class(data={"part": "P-1", "quantity": "2", **data})


def test_amount_answer_is_stored_as_decimal_text_and_currency(version):
    form = form_for(version, unit_price_0="1,234.5", unit_price_1="EUR")
    assert form.is_valid(), form.errors
    assert form.answers()["unit_price"] == {"amount": "1234.50", "currency": "EUR"}


def test_an_api_object_answer_is_read_too(version):
    form = form_for(version, unit_price={"amount": "12", "currency": "USD"})
    assert form.is_valid(), form.errors
    assert form.answers()["unit_price"] == {"amount": "12.00", "currency": "USD"}


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        ("12.345", "EUR", "EUR amounts have at most 2 decimals."),
        ("12.5", "JPY", "JPY amounts are whole numbers: no decimals."),
        ("12", "GBP", "This form takes amounts in EUR, USD, JPY only."),
        ("12", "<b>X</b>", "This form takes amounts in EUR, USD, JPY only."),
        ("12", "", "Choose the currency."),
        ("twelve", "EUR", "Enter the amount as a number, e.g. 1234.50."),
        ("-1", "EUR", "Enter at least 0.00 EUR."),
    ],
)
def test_bad_amount_says_why_beside_the_field(version, amount, currency, message):
    form = form_for(version, unit_price_0=amount, unit_price_1=currency)
    assert not form.is_valid()
    assert form.errors["unit_price"] == [message]
    # Nothing typed is lost: the draft keeps it as typed.
    assert form.raw_answers()["unit_price"]["amount"] == amount


def test_fixed_currency_needs_no_choice_and_refuses_another(db):
    version = money_version(currencies=("EUR",))
    form = form_for(version, unit_price_0="10")
    assert form.is_valid(), form.errors
    assert form.answers()["unit_price"] == {"amount": "10.00", "currency": "EUR"}
    html = form.as_div()
    assert 'type="hidden" name="unit_price_1" value="EUR"' in html
    assert not form_for(version, unit_price_0="10", unit_price_1="USD").is_valid()


def test_currency_choices_are_shown_for_several(version):
    html = answer_form_class(version)().as_div()
    assert '<option value="JPY">JPY</option>' in html


def test_amount_display_is_grouped_with_its_currency(version):
    question = version.questions.get(key="unit_price")
    value = {"amount": "1234.50", "currency": "EUR"}
    assert display_value(question, value) == "1,234.50 EUR"
    assert display_value(None, value) == "1,234.50 EUR"


def test_typed_draft_amount_compares_equal_with_the_submitted_one(version):
    typed = answers_typed(
        version.questions.all(),
        {"unit_price": {"amount": "1,234.5", "currency": "EUR"}},
    )
    assert typed["unit_price"] == {"amount": "1234.50", "currency": "EUR"}
