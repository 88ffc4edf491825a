"""What the customer's link offers once the quote has revisions after the one its
review accepted: the last accepted revision stays on offer past a draft, a
rejected renewal or change; a revision in review withdraws the offer until it is
decided."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orders.models import Channel
from requirements import change_orders, quote_portal, quotes
from tests.quotes.conftest import assess_all, sign, valid_until

pytestmark = pytest.mark.django_db


@pytest.fixture
def link_token(reviewed_quote, service_user):
    _link, token = quote_portal.quote_link_create(
        quote=reviewed_quote, user=service_user
    )
    return token


def accept_through_the_page(client, token, revision=1):
    url = reverse("orders:quote_portal", args=[token])
    data = {"action": "accept", "name": "Jo Buyer", "revision": revision}
    return client.post(url, data).content.decode()


def renew(quote, user):
    return quotes.quote_renew(
        quote=quote, user=user, valid_until=valid_until(60), reason="Asked again"
    )


def test_a_draft_change_left_on_the_quote_keeps_the_accepted_revision_on_offer(
    client, reviewed_quote, service_user, link_token
):
    change_orders.change_order_start(
        order=reviewed_quote,
        user=service_user,
        reason="Customer may want more parts",
        channel=Channel.EMAIL,
        requested_by="Jo Buyer",
    )
    url = reverse("orders:quote_portal", args=[link_token])
    shown = client.get(url).content.decode()
    assert 'data-testid="refusal-reason"' not in shown
    assert 'data-action="accept-quote"' in shown
    page = accept_through_the_page(client, link_token)
    assert f"you accepted revision 1 of quote {reviewed_quote.number}" in page
    assert quote_portal.quote_acceptances_of(reviewed_quote)[0].revision.number == 1


def test_after_a_rejected_renewal_the_previously_accepted_revision_is_on_offer(
    client, reviewed_quote, service_user, team, approver, link_token
):
    renewal = renew(reviewed_quote, service_user)
    assess_all(renewal.review, team, verdict="cannot_meet")
    sign(renewal.review, approver, outcome="reject", reasons="No capacity now")
    reviewed_quote.refresh_from_db()
    assert quote_portal.quote_acceptance_refusal(reviewed_quote, 1) == ""
    page = accept_through_the_page(client, link_token)
    assert f"you accepted revision 1 of quote {reviewed_quote.number}" in page
    assert quote_portal.quote_acceptances_of(reviewed_quote)[0].revision.number == 1


def test_a_renewal_in_review_withdraws_the_offer_with_a_message(
    client, reviewed_quote, service_user, link_token
):
    renew(reviewed_quote, service_user)
    reviewed_quote.refresh_from_db()
    refusal = f"Quote {reviewed_quote.number} is not ready to be accepted"
    assert refusal in quote_portal.quote_acceptance_refusal(reviewed_quote, 1)
    with pytest.raises(ValidationError, match="it is being reviewed"):
        quote_portal.quote_customer_accept(
            link=quote_portal.quote_links_of(reviewed_quote)[0],
            revision_number=1,
            name="Jo",
        )
    assert refusal in accept_through_the_page(client, link_token)
    assert quote_portal.quote_acceptances_of(reviewed_quote) == []


def test_a_rejected_renewal_gives_the_quote_back_its_earlier_validity(
    client, reviewed_quote, service_user, team, approver, link_token
):
    """The renewal moved the date before its review; the reviewers' rejection must
    not leave the old revision on offer until the date they refused."""
    agreed_until = reviewed_quote.valid_until
    renewal = renew(reviewed_quote, service_user)
    reviewed_quote.refresh_from_db()
    assert reviewed_quote.valid_until == valid_until(60)
    assess_all(renewal.review, team, verdict="cannot_meet")
    sign(renewal.review, approver, outcome="reject", reasons="No capacity now")
    reviewed_quote.refresh_from_db()
    assert reviewed_quote.valid_until == agreed_until
    reasons = reviewed_quote.history.values_list("history_change_reason", flat=True)
    assert (
        f"The change was not taken: valid until {agreed_until:%Y-%m-%d} again"
        in reasons
    )
    url = reverse("orders:quote_portal", args=[link_token])
    shown = f"valid until {agreed_until.day} {agreed_until:%B %Y}"
    assert shown in client.get(url).content.decode()


def test_an_agreed_renewal_keeps_its_new_validity(
    reviewed_quote, service_user, team, approver
):
    renewal = renew(reviewed_quote, service_user)
    assess_all(renewal.review, team)
    sign(renewal.review, approver)
    reviewed_quote.refresh_from_db()
    assert reviewed_quote.valid_until == valid_until(60)
