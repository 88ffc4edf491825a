"""The dashboard's quote-to-order rate and time from quote to order."""

import datetime

import pytest
from django.urls import reverse

from audit import dashboard
from orders.models import Channel, Order
from requirements import quotes
from tests.quotes.conftest import submitted_quote

pytestmark = pytest.mark.django_db


def test_quote_to_order_rate_and_median_days(
    client, reviewed_quote, change_version, service_user, approver
):
    assert dashboard.dashboard().quotes.percent == 0.0
    draft = quotes.order_from_quote(
        user=service_user, quote=reviewed_quote, channel=Channel.EMAIL
    )
    # A week between the quote and its order (a draft's entry time may be moved);
    # a quote still in review counts not.
    Order.objects.filter(pk=draft.order_id).update(
        created_at=reviewed_quote.created_at + datetime.timedelta(days=7)
    )
    submitted_quote(change_version, service_user)
    figures = dashboard.dashboard().quotes
    assert (figures.ordered, figures.offered) == (1, 1)
    assert figures.percent == 100.0
    assert figures.median_days == pytest.approx(7.0, abs=0.1)
    client.force_login(approver)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="quote-to-order"' in page


def test_no_quotes_no_rate(db):
    figures = dashboard.dashboard().quotes
    assert figures.percent is None
    assert figures.median_days is None
