"""The customer asks, through a quote's link, for changes to the quote: filed as an
inbound communication on the quote. The link is the requirements app's, the
communication the communications app's: joined here, beside the portal page, as
the answer to conditions is (pages.agreements)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from communications import services as communication_services
from communications.models import Communication
from orderreview import events
from requirements.models import QuoteLink
from requirements.quote_portal import quote_link_expired


def quote_changes_request(*, link: QuoteLink, name: str, message: str) -> Communication:
    """File the customer's request for changes to the quote as an inbound portal
    communication on it; refused through an expired or revoked link."""
    name = " ".join(name.split())
    message = message.strip()
    errors = {}
    if not name:
        errors["changes_name"] = "Type your name so we know who asks."
    if not message:
        errors["message"] = "Tell us what should change."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        link = QuoteLink.objects.select_for_update().get(pk=link.pk)
        if link.revoked_at is not None or quote_link_expired(link):
            raise ValidationError("This link has expired. Please ask us for a new one.")
        quote = link.quote
        communication = communication_services.communication_record(
            customer=quote.customer,
            order=quote,
            direction=Communication.Direction.INBOUND,
            channel=Communication.Channel.WEB_PORTAL,
            kind=Communication.Kind.QUOTE,
            subject=f"{name[:120]} asks for changes to quote {quote.number}",
            body=message,
            occurred_at=timezone.now(),
            recorded_by=None,
        )
        events.quote_answered.send(
            sender=Communication,
            quote=quote,
            name=name,
            accepted=False,
            message=message,
            key=f"communication:{communication.pk}",
        )
        return communication
