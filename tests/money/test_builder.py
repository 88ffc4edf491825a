"""Amount questions in the builder: currencies checked beside the field."""

import pytest
from django.urls import reverse

from tests.money.conftest import money_version


@pytest.fixture
def draft(db):
    return money_version(publish=False)


def post_question(client, draft, **fields):
    url = reverse("orderforms:question_create", args=[draft.form.slug, draft.number])
    data = {
        "key": "price",
        "label": "Price",
        "kind": "amount",
        "category": "stated",
        "discipline": "commercial",
        **fields,
    }
    return client.post(url, data)


def test_form_admin_adds_an_amount_question(client, form_admin, draft, commercial):
    client.force_login(form_admin)
    response = post_question(client, draft, currencies="eur, usd\nchf")
    assert response.status_code == 302
    question = draft.questions.get(key="price")
    assert question.currencies == ["EUR", "USD", "CHF"]
    page = client.get(
        reverse("orderforms:version_preview", args=[draft.form.slug, draft.number])
    ).content.decode()
    assert '-price_1"' in page  # the currency select, under the preview's prefix


@pytest.mark.parametrize(
    ("currencies", "message"),
    [
        ("", "an amount question needs at least one currency"),
        ("EUR\n<script>", "unknown currency"),
        ("EUR\nEUR", "currencies repeat"),
    ],
)
def test_bad_currencies_are_refused_beside_the_field(
    client, form_admin, draft, commercial, currencies, message
):
    client.force_login(form_admin)
    response = post_question(client, draft, currencies=currencies)
    assert response.status_code == 200
    errors = response.context["form"].errors
    texts = [text.lower() for text in errors.get("currencies", [])]
    assert any(message in text for text in texts), errors
    assert not draft.questions.filter(key="price").exists()
