"""An expired quote is renewed: a new validity date and a new revision, reviewed
again from the start before an order is made from it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from orders.models import Channel, Order
from requirements import quotes
from tests.quotes.conftest import assess_all, sign

pytestmark = pytest.mark.django_db


def test_a_renewed_quote_is_reviewed_again(
    client, reviewed_quote, service_user, team, approver
):
    Order.objects.filter(pk=reviewed_quote.pk).update(
        valid_until=datetime.date(2020, 1, 31)
    )
    new_date = timezone.localdate() + datetime.timedelta(days=60)
    client.force_login(service_user)
    response = client.post(
        reverse("orders:quote_renew", args=[reviewed_quote.number]),
        {"valid_until": new_date.isoformat(), "reason": "Customer asked again"},
    )
    assert response.status_code == 302
    reviewed_quote.refresh_from_db()
    assert reviewed_quote.valid_until == new_date
    assert reviewed_quote.change_in_review
    revision = reviewed_quote.revisions.get(number=2)
    review = revision.review
    # Reviewed again from the start: no verdict carried forward.
    assert all(a.verdict == "" for a in review.assessments.all())
    with pytest.raises(ValidationError, match="confirmed the capability"):
        quotes.order_from_quote(
            user=service_user, quote=reviewed_quote, channel=Channel.EMAIL
        )
    assess_all(review, team)
    sign(review, approver)
    order_revision = quotes.order_from_quote(
        user=service_user, quote=reviewed_quote, channel=Channel.EMAIL
    )
    assert order_revision.order.quote_note == ""


def test_renewal_needs_a_date_to_come_and_a_reason(
    client, reviewed_quote, service_user
):
    client.force_login(service_user)
    response = client.post(
        reverse("orders:quote_renew", args=[reviewed_quote.number]),
        {"valid_until": "2001-01-01", "reason": ""},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The quote would already have expired." in page
    assert "Say why the quote is renewed." in page
    assert reviewed_quote.revisions.count() == 1
