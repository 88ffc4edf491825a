"""Whatever is typed into a draft comes back: never a server error, nothing lost."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.intake.conftest import answer_post

pytestmark = pytest.mark.django_db

typed_text = st.text(max_size=60)


def as_stored(key: str, text: str) -> object:
    """A whole number that parses is kept as the number (as a submit keeps it, so a
    change order's diff compares like with like); anything else exactly as typed."""
    if key != "quantity":
        return text
    try:
        number = int(text)
    except ValueError:
        return text
    return number if abs(number) < 10**14 else text


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(part=typed_text, quantity=typed_text, notes=typed_text, reference=typed_text)
def test_a_draft_keeps_anything_typed(
    client, service_user, draft, customer, part, quantity, notes, reference
):
    client.force_login(service_user)
    url = reverse("orders:order_edit", args=[draft.order.number])
    data = answer_post({"part_number": part, "quantity": quantity, "notes": notes})
    data.update(
        customer=customer.pk,
        channel="phone",
        customer_reference=reference,
        save="",
    )
    response = client.post(url, data)
    assert response.status_code in (200, 302)
    draft.refresh_from_db()
    for key, typed in (("part_number", part), ("quantity", quantity), ("notes", notes)):
        kept = typed.replace("\x00", "")
        if typed:
            assert draft.answers.get(key) == as_stored(key, kept)
        else:
            assert key not in draft.answers
