"""Orders made from quotes (ISO 9001 8.2.3.1 e): the order's requirements start as a
copy of the quote's reviewed revision, and every requirement of the order that
differs from it is listed as "differs from quote"."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from orderreview.models import User
from orders import services as order_services
from orders.models import Order
from orders.orderforms import lines
from orders.uploads import stored_upload_copy
from requirements import change_orders
from requirements.models import RequirementSet
from requirements.quote_differences import quote_reviewed_revision
from requirements.services import revision_create, revision_submit


def quote_convertible(quote: Order, *, action: str = "an order is made") -> str:
    """Why an order cannot be made from this quote now ("" when it can); action
    names what is refused ("renewed is" for a renewal)."""
    if not quote.is_quote:
        return f"{quote.number} is not a quote."
    if quote.status != Order.Status.ACCEPTED or quote.change_in_review:
        return (
            f"Quote {quote.number} is {quote.status_label.lower()}: {action} "
            "from a quote whose review confirmed the capability."
        )
    return ""


def _files_copied(
    answers: dict[str, Any], *, quote: Order, order: Order
) -> dict[str, Any]:
    """The quote's answers with every stored file, asked once or in a line, copied
    into the order's own folder: an order's downloads, backups and disposal only
    reach files under its number."""

    def copied(value: Any) -> Any:
        return stored_upload_copy(
            value, from_number=quote.number, to_number=order.number
        )

    result = {key: copied(v) for key, v in answers.items() if key != lines.LINES}
    if lines.LINES in answers:
        result[lines.LINES] = {
            name: [
                {
                    **entry,
                    "answers": {k: copied(v) for k, v in entry["answers"].items()},
                }
                for entry in lines.entries_of(answers, name)
            ]
            for name in answers[lines.LINES] or {}
        }
    return result


@transaction.atomic
def order_from_quote(
    *,
    user: User,
    quote: Order,
    channel: str,
    customer_reference: str = "",
    requested_date: datetime.date | None = None,
    documented_statement: bool | None = None,
    expired_note: str = "",
) -> RequirementSet:
    """A draft order made from a reviewed quote: same customer and form, its
    revision 1 a copy of the quote's reviewed answers and hand-added requirements,
    for customer service to enter what the customer actually ordered over it.

    An expired quote is converted only with expired_note: why, recorded on the
    order (the warning was seen)."""
    quote = Order.objects.select_for_update().get(pk=quote.pk)
    if refusal := quote_convertible(quote):
        raise ValidationError(refusal)
    source = quote_reviewed_revision(quote)
    if source is None:
        raise ValidationError(f"Quote {quote.number} has no reviewed revision.")
    expired = quote.quote_expired(timezone.localdate())
    if expired and not expired_note.strip():
        raise ValidationError(
            {
                "expired_note": f"Quote {quote.number} expired on "
                f"{quote.valid_until:%Y-%m-%d}: say why the order is made from it "
                "anyway (or renew the quote)."
            }
        )
    order = order_services.order_create(
        user=user,
        form_version=quote.form_version,
        customer=quote.customer,
        channel=channel,
        customer_reference=customer_reference,
        requested_date=requested_date,
        documented_statement=documented_statement,
        quote=quote,
        quote_note=expired_note.strip() if expired else "",
    )
    answers = _files_copied(source.answers, quote=quote, order=order)
    revision = revision_create(order=order, user=user, answers=answers)
    # Hand-added requirements keep their key: equal ones are not differences.
    change_orders.hand_added_copy(
        source=source,
        revision=revision,
        user=user,
        reason=f"Copied from quote {quote.number}",
    )
    return revision


@transaction.atomic
def quote_renew(
    *, quote: Order, user: User, valid_until: datetime.date, reason: str
) -> RequirementSet:
    """Renew a reviewed quote: its new validity date, and a new revision (a copy
    of the reviewed one, submitted) that is reviewed again from the start. Until
    that review confirms the capability, no order is made from it."""
    quote = Order.objects.select_for_update().get(pk=quote.pk)
    if refusal := quote_convertible(quote, action="renewed is"):
        raise ValidationError(refusal)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the quote is renewed."})
    order_services.quote_validity_set(
        quote=quote,
        user=user,
        valid_until=valid_until,
        reason=f"Renewed: {reason.strip()}",
    )
    draft = change_orders.change_order_start(
        order=quote,
        user=user,
        reason=f"Quote renewed until {valid_until:%Y-%m-%d}: {reason.strip()}",
        channel=quote.channel,
        requested_by=user.printed_name,
        documented_statement=True,
    )
    return revision_submit(revision=draft, user=user)
