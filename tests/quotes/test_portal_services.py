"""The customer accepts a quote through its link, or asks for changes: what is
recorded, and every refusal (not reviewed, expired, a newer revision, the link
revoked or expired, accepted already)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from communications.models import Communication
from orders.models import Order
from pages.quote_portal import quote_changes_request
from requirements import quote_portal, quotes
from requirements.models import QuoteAcceptance, QuoteLink
from staffmail.kinds import Kind
from staffmail.models import StaffMessage
from tests.quotes.conftest import assess_all, sign, submitted_quote, valid_until

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(reviewed_quote, service_user):
    link, _token = quote_portal.quote_link_create(
        quote=reviewed_quote, user=service_user, label="Jo Buyer"
    )
    return link


def test_the_customer_accepts_the_reviewed_revision_by_name(link, reviewed_quote):
    acceptance = quote_portal.quote_customer_accept(
        link=link, revision_number=1, name="  Jo   Buyer "
    )
    assert acceptance.accepted_by_name == "Jo Buyer"
    assert acceptance.revision == reviewed_quote.revisions.get(number=1)
    assert acceptance.quote == reviewed_quote
    assert timezone.now() - acceptance.accepted_at < datetime.timedelta(minutes=1)
    history = acceptance.history.get()
    assert history.history_user is None
    assert "Jo Buyer" in history.history_change_reason
    assert quote_portal.quote_acceptances_of(reviewed_quote) == [acceptance]


def test_a_link_keeps_only_the_hash_of_its_token(reviewed_quote, service_user):
    link, token = quote_portal.quote_link_create(
        quote=reviewed_quote, user=service_user
    )
    assert token not in link.token_hash
    assert quote_portal.quote_link_for_token(token) == link
    assert quote_portal.quote_link_for_token(token + "x") is None


def test_a_quote_not_reviewed_gets_no_link_and_cannot_be_accepted(
    change_version, service_user
):
    quote = submitted_quote(change_version, service_user).order
    with pytest.raises(ValidationError, match="a link is sent once its review"):
        quote_portal.quote_link_create(quote=quote, user=service_user)
    assert "not ready" in quote_portal.quote_acceptance_refusal(quote, 1)


def test_an_order_gets_no_quote_link(reviewed_quote, service_user):
    order = quotes.order_from_quote(
        user=service_user, quote=reviewed_quote, channel="email"
    ).order
    with pytest.raises(ValidationError, match="is not a quote"):
        quote_portal.quote_link_create(quote=order, user=service_user)


def test_an_expired_quote_cannot_be_accepted(link, reviewed_quote):
    Order.objects.filter(pk=reviewed_quote.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="expired on .* ask us to renew it"):
        quote_portal.quote_customer_accept(link=link, revision_number=1, name="Jo")
    assert not QuoteAcceptance.objects.exists()


def test_a_quote_in_review_again_cannot_be_accepted(link, reviewed_quote, service_user):
    quotes.quote_renew(
        quote=reviewed_quote,
        user=service_user,
        valid_until=valid_until(60),
        reason="Prices changed",
    )
    with pytest.raises(ValidationError, match="being reviewed"):
        quote_portal.quote_customer_accept(link=link, revision_number=1, name="Jo")


def test_a_stale_revision_is_refused_once_a_newer_one_is_reviewed(
    link, reviewed_quote, service_user, team, approver
):
    revision = quotes.quote_renew(
        quote=reviewed_quote,
        user=service_user,
        valid_until=valid_until(60),
        reason="Prices changed",
    )
    assess_all(revision.review, team)
    sign(revision.review, approver)
    with pytest.raises(ValidationError, match="A newer revision .* exists"):
        quote_portal.quote_customer_accept(link=link, revision_number=1, name="Jo")
    acceptance = quote_portal.quote_customer_accept(
        link=link, revision_number=2, name="Jo"
    )
    assert acceptance.revision.number == 2


def test_a_revision_is_accepted_once(link):
    quote_portal.quote_customer_accept(link=link, revision_number=1, name="Jo")
    with pytest.raises(ValidationError, match="already accepted by Jo"):
        quote_portal.quote_customer_accept(link=link, revision_number=1, name="Al")
    assert QuoteAcceptance.objects.count() == 1


def test_a_name_is_required(link):
    with pytest.raises(ValidationError) as caught:
        quote_portal.quote_customer_accept(link=link, revision_number=1, name="  ")
    assert "name" in caught.value.message_dict


def test_a_revoked_or_expired_link_accepts_nothing(link, service_user):
    QuoteLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(ValidationError, match="link has expired"):
        quote_portal.quote_customer_accept(link=link, revision_number=1, name="Jo")
    QuoteLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    quote_portal.quote_link_revoke(link=link, user=service_user)
    with pytest.raises(ValidationError, match="link has expired"):
        quote_portal.quote_customer_accept(link=link, revision_number=1, name="Jo")
    with pytest.raises(ValidationError, match="already revoked"):
        quote_portal.quote_link_revoke(link=link, user=service_user)
    assert not QuoteAcceptance.objects.exists()


def test_asking_for_changes_files_a_communication_on_the_quote(link, reviewed_quote):
    communication = quote_changes_request(
        link=link, name="Jo Buyer", message="Please quote 500 parts as well."
    )
    assert communication.order == reviewed_quote
    assert communication.customer == reviewed_quote.customer
    assert communication.direction == Communication.Direction.INBOUND
    assert communication.channel == Communication.Channel.WEB_PORTAL
    assert communication.kind == Communication.Kind.QUOTE
    assert communication.recorded_by is None
    assert "Jo Buyer asks for changes" in communication.subject
    assert communication.body == "Please quote 500 parts as well."


def test_asking_for_changes_needs_a_message_and_a_live_link(link, service_user):
    with pytest.raises(ValidationError) as caught:
        quote_changes_request(link=link, name="Jo", message=" ")
    assert "message" in caught.value.message_dict
    quote_portal.quote_link_revoke(link=link, user=service_user)
    with pytest.raises(ValidationError, match="link has expired"):
        quote_changes_request(link=link, name="Jo", message="More parts")
    assert not Communication.objects.filter(kind=Communication.Kind.QUOTE).exists()


def test_an_expired_quote_gets_no_link(reviewed_quote, service_user):
    Order.objects.filter(pk=reviewed_quote.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    reviewed_quote.refresh_from_db()
    with pytest.raises(ValidationError, match="renew it before sending a link"):
        quote_portal.quote_link_create(quote=reviewed_quote, user=service_user)


def test_whoever_entered_the_quote_hears_of_the_customers_answer_once(
    link, reviewed_quote, service_user, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        quote_changes_request(link=link, name="Jo", message="<b>50 more</b>, please")
    with django_capture_on_commit_callbacks(execute=True):
        quote_portal.quote_customer_accept(link=link, revision_number=1, name="Jo")
    told = StaffMessage.objects.filter(recipient=service_user, kind=Kind.QUOTE_ANSWERED)
    assert told.count() == 2
    subjects = sorted(m.subject for m in mail.outbox if m.to == [service_user.email])
    assert [s.split(": ")[-1] for s in subjects] == [
        "changes asked to the quote",
        "quote accepted",
    ]
    changes = next(m for m in mail.outbox if m.subject.endswith("the quote"))
    assert "<b>50 more</b>, please" in changes.body  # plain text mail, as typed
    assert reviewed_quote.get_absolute_url() in changes.body
