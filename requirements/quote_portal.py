"""A quote sent to the customer through a link (ISO 9001 8.2.3: the review comes
before committing to supply, a quotation included): staff create and revoke the
link; through it the customer accepts the reviewed revision they read, by name.

quote_link_create()       a new link, its token shown once (only its SHA-256 kept)
quote_link_revoke()       the link stops opening the quote
quote_customer_accept()   the customer's acceptance: name, time, revision

Asking for changes is a communication, a higher layer's model: the pages layer
records it (pages.quote_portal).
"""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from orderreview import events
from orderreview.history import attribute
from orderreview.models import User
from orders.models import Order
from orders.services import token_hash
from requirements.models import QuoteAcceptance, QuoteLink
from requirements.quote_differences import quote_reviewed_revision

# Shown to tell links apart; the rest of the token (over 200 bits) stays secret.
TOKEN_START_LENGTH = 6
NAME_MAX = 200


@transaction.atomic
def quote_link_create(
    *, quote: Order, user: User, label: str = ""
) -> tuple[QuoteLink, str]:
    """A new link to a reviewed quote; returns the link and its token (shown once).
    A link is valid PORTAL_LINK_DAYS, and never opens a quote that is not a quote."""
    quote = Order.objects.select_for_update().get(pk=quote.pk)
    if not quote.is_quote:
        raise ValidationError(f"{quote.number} is not a quote.")
    if quote.status != Order.Status.ACCEPTED or quote.change_in_review:
        raise ValidationError(
            f"Quote {quote.number} is {quote.status_label.lower()}: a link is sent "
            "once its review confirmed the capability."
        )
    if quote.quote_expired(timezone.localdate()):
        raise ValidationError(
            f"Quote {quote.number} expired on {quote.valid_until:%Y-%m-%d}: renew "
            "it before sending a link."
        )
    token = secrets.token_urlsafe(32)
    link = QuoteLink(
        quote=quote,
        token_hash=token_hash(token),
        token_start=token[:TOKEN_START_LENGTH],
        label=" ".join(label.split())[:100],
        created_by=user,
        expires_at=timezone.now() + datetime.timedelta(days=settings.PORTAL_LINK_DAYS),
    )
    attribute(link, user=user, reason="Quote link created")
    link.save()
    return link, token


@transaction.atomic
def quote_link_revoke(*, link: QuoteLink, user: User) -> QuoteLink:
    link = QuoteLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None:
        raise ValidationError("This link was already revoked.")
    link.revoked_at = timezone.now()
    link.revoked_by = user
    attribute(link, user=user, reason="Quote link revoked")
    link.save()
    return link


def quote_link_for_token(token: str) -> QuoteLink | None:
    """The link a token opens: None for an unknown or revoked token (the page is
    then not found); an expired link is returned (the page says it expired)."""
    if not token or len(token) > 100:
        return None
    return (
        QuoteLink.objects.select_related("quote__customer")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )


def quote_link_expired(link: QuoteLink) -> bool:
    return link.expires_at <= timezone.now()


def quote_links_of(quote: Order) -> list[QuoteLink]:
    return list(
        QuoteLink.objects.filter(quote=quote).select_related("created_by", "revoked_by")
    )


def quote_acceptances_of(quote: Order) -> list[QuoteAcceptance]:
    """The customer's acceptances of a quote, oldest first (one a revision)."""
    return list(
        QuoteAcceptance.objects.filter(quote=quote).select_related("revision", "link")
    )


def _being_reviewed(quote: Order) -> str:
    return (
        f"Quote {quote.number} is not ready to be accepted: it is being "
        "reviewed. Please ask us for the current quote."
    )


def _not_offered(quote: Order) -> str:
    """Why the quote cannot be offered for acceptance now ("" when it can)."""
    if quote.status != Order.Status.ACCEPTED or quote.change_in_review:
        return _being_reviewed(quote)
    if quote.quote_expired(timezone.localdate()):
        return (
            f"Quote {quote.number} expired on {quote.valid_until:%Y-%m-%d}. "
            "Please ask us to renew it."
        )
    return ""


def quote_acceptance_refusal(quote: Order, revision_number: int | None) -> str:
    """Why the customer cannot accept this revision of the quote ("" when they
    can): the quote is not reviewed and accepted by us, it expired, a newer
    revision is in review, the customer read another revision than the one on
    offer, or this revision is already accepted.

    On offer is the last revision our review accepted (and whose conditions, if
    any, the customer agreed): a later draft, a rejected renewal or change, or a
    change whose conditions the customer declined leaves it on offer, as it
    leaves the quote accepted on it. A later revision in review (submitted, or
    accepted while the customer's answer to its conditions is awaited) does not:
    what is offered may be about to change."""
    if refusal := _not_offered(quote):
        return refusal
    # A later revision in review is known by the quote's change_in_review
    # (_not_offered); drafts, rejected and declined ones leave the offer as it is.
    reviewed = quote_reviewed_revision(quote)
    if reviewed is None:
        return _being_reviewed(quote)
    if reviewed.number != revision_number:
        return (
            f"A newer revision of quote {quote.number} exists: reload the page and "
            "read it before accepting."
        )
    done = QuoteAcceptance.objects.filter(revision=reviewed).first()
    if done is not None:
        return (
            f"Revision {reviewed.number} of quote {quote.number} was already "
            f"accepted by {done.accepted_by_name} on "
            f"{timezone.localtime(done.accepted_at):%Y-%m-%d %H:%M}."
        )
    return ""


@transaction.atomic
def quote_customer_accept(
    *, link: QuoteLink, revision_number: int, name: str
) -> QuoteAcceptance:
    """The customer accepts, through a link, the revision of the quote they read:
    refused when the link expired or was revoked, when the quote is not reviewed
    and accepted by us, expired, was revised since, or is already accepted."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Type your name to accept the quote."})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": f"At most {NAME_MAX} characters."})
    quote = Order.objects.select_for_update().get(pk=link.quote_id)
    link = QuoteLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None or quote_link_expired(link):
        raise ValidationError("This link has expired. Please ask us for a new one.")
    if refusal := quote_acceptance_refusal(quote, revision_number):
        raise ValidationError(refusal)
    acceptance = QuoteAcceptance(
        quote=quote,
        revision=quote_reviewed_revision(quote),
        link=link,
        accepted_by_name=name,
        accepted_at=timezone.now(),
    )
    attribute(
        acceptance,
        user=None,
        reason=f"Accepted by the customer ({name}) through the quote link",
    )
    acceptance.save()
    events.quote_answered.send(
        sender=QuoteAcceptance,
        quote=quote,
        name=name,
        accepted=True,
        message="",
        key=f"acceptance:{acceptance.pk}",
    )
    return acceptance
