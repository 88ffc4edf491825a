"""Writes that matter in the orders app. Each is one transaction."""

import datetime
import hashlib
import secrets
from collections.abc import Mapping
from typing import Required, TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone

from orderreview import events
from orderreview.history import attribute
from orderreview.models import User
from orders.models import (
    Channel,
    Customer,
    Order,
    OrderFormVersion,
    PortalLink,
    Question,
)
from orders.orderforms.order_value import order_value_of

# Catalog requests come from visitors nobody knows yet; their orders point at this
# one placeholder until staff confirm who the customer is.
CATALOG_CUSTOMER_CODE = "WEB-REQUESTS"
CUSTOMER_FIELDS = (
    "name",
    "account_code",
    "contact_name",
    "email",
    "phone",
    "address",
    "notes",
)


# Orders that arrive with no documented statement of requirements unless the person
# entering them says otherwise.
UNDOCUMENTED_CHANNELS = (Channel.PHONE, Channel.IN_PERSON)


def order_number_next() -> str:
    """The next order number, e.g. SO-2026-000042, from a database sequence.

    The sequence never hands out a value twice, however many processes ask at once.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('orders_order_number_seq')")
        (value,) = cursor.fetchone()
    return f"{settings.ORDER_NUMBER_PREFIX}-{timezone.now().year}-{value:06d}"


def quote_number_next() -> str:
    """The next quote number, e.g. QU-2026-000017, from its own database sequence."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('orders_quote_number_seq')")
        (value,) = cursor.fetchone()
    return f"{settings.QUOTE_NUMBER_PREFIX}-{timezone.now().year}-{value:06d}"


def token_hash(token: str) -> str:
    """The SHA-256 under which a portal token is stored (the token itself never is)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- customers -------------------------------------------------------------------


# Shown on one line, and in e-mail subjects: a line break there is refused.
ONE_LINE_CUSTOMER_FIELDS = ("name", "account_code", "contact_name", "email", "phone")


def _customer_save(*, customer: Customer, user: User | None, data: Mapping) -> Customer:
    for field in CUSTOMER_FIELDS:
        if field in data:
            setattr(customer, field, (data[field] or "").strip())
    broken = {
        field: "One line only: remove the line break."
        for field in ONE_LINE_CUSTOMER_FIELDS
        if any(c in getattr(customer, field) for c in "\r\n")
    }
    if broken:
        raise ValidationError(broken)
    if Customer.objects.filter(account_code__iexact=customer.account_code).exclude(
        pk=customer.pk
    ):
        raise ValidationError(
            {"account_code": "Another customer already has this account code."}
        )
    customer.full_clean()
    attribute(customer, user=user)
    customer.save()
    return customer


@transaction.atomic
def customer_create(*, user: User | None, data: Mapping[str, str]) -> Customer:
    """A new customer; data holds the CUSTOMER_FIELDS (name and account code needed)."""
    return _customer_save(customer=Customer(), user=user, data=data)


@transaction.atomic
def customer_update(
    *, customer: Customer, user: User, data: Mapping[str, str]
) -> Customer:
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    return _customer_save(customer=customer, user=user, data=data)


def catalog_customer() -> Customer:
    """The placeholder customer of catalog requests (created on first use)."""
    customer, _ = Customer.objects.get_or_create(
        account_code=CATALOG_CUSTOMER_CODE,
        defaults={
            "name": "Catalog request (customer to confirm)",
            "notes": "Placeholder for orders requested through the public catalog; "
            "staff move each one to the real customer.",
        },
    )
    return customer


# --- orders ----------------------------------------------------------------------


def _check_header(
    *, customer: Customer | None, channel: str, requested_date: datetime.date | None
) -> None:
    errors = {}
    if customer is None:
        errors["customer"] = "Choose the customer or enter a new one."
    if channel not in Channel.values:
        errors["channel"] = "Choose the channel the order came through."
    if errors:
        raise ValidationError(errors)


def _check_validity(*, kind: str, valid_until: datetime.date | None) -> None:
    if kind not in Order.Kind.values:
        raise ValidationError("An order is either an order or a quote.")
    if kind == Order.Kind.QUOTE and valid_until is None:
        raise ValidationError({"valid_until": "Say until when the quote holds."})


class OrderHeader(TypedDict, total=False):
    """An order's header as it is entered: the keyword arguments of order_create,
    passed through unchanged by the services that start an order (intake_start,
    catalog requests) and produced by the header form (OrderHeaderForm)."""

    channel: Required[str]
    customer: Customer | None
    # Fields of a customer to create inline (CUSTOMER_FIELDS), instead of customer.
    new_customer: Mapping[str, str] | None
    customer_reference: str
    requested_date: datetime.date | None
    # None: an order by phone or in person has none (ISO 9001 8.2.3.1: the
    # requirements are then confirmed with the customer); others have.
    documented_statement: bool | None
    customer_to_confirm: bool
    contact_details: Mapping[str, str] | None
    # Order.Kind.QUOTE: a quote, numbered QU-..., that holds until valid_until.
    kind: str
    valid_until: datetime.date | None
    # The reviewed quote an order is made from, and why an expired one was used.
    quote: Order | None
    quote_note: str


@transaction.atomic
def order_create(
    *, user: User | None, form_version: OrderFormVersion, **header: Unpack[OrderHeader]
) -> Order:
    """A draft order with the next number; a new_customer is created inline."""
    channel = header["channel"]
    customer = header.get("customer")
    new_customer = header.get("new_customer")
    customer_reference = header.get("customer_reference", "")
    requested_date = header.get("requested_date")
    documented_statement = header.get("documented_statement")
    if documented_statement is None:
        documented_statement = channel not in UNDOCUMENTED_CHANNELS
    if new_customer:
        customer = customer_create(user=user, data=new_customer)
    _check_header(customer=customer, channel=channel, requested_date=requested_date)
    kind = header.get("kind") or Order.Kind.ORDER
    valid_until = header.get("valid_until") if kind == Order.Kind.QUOTE else None
    _check_validity(kind=kind, valid_until=valid_until)
    version = OrderFormVersion.objects.select_related("form").get(pk=form_version.pk)
    if version.status != OrderFormVersion.Status.PUBLISHED or not version.form.active:
        raise ValidationError(
            {"form": "This order form is not in use: choose an active, published one."}
        )
    order = Order(
        number=quote_number_next() if kind == Order.Kind.QUOTE else order_number_next(),
        kind=kind,
        valid_until=valid_until,
        quote=header.get("quote"),
        quote_note=header.get("quote_note", ""),
        customer=customer,
        form_version=version,
        channel=channel,
        customer_reference=customer_reference.strip(),
        requested_date=requested_date,
        entered_by=user,
        documented_statement=documented_statement,
        customer_to_confirm=header.get("customer_to_confirm", False),
        contact_details=dict(header.get("contact_details") or {}),
    )
    attribute(order, user=user)
    order.save()
    return order


def _locked_draft(order: Order) -> Order:
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != Order.Status.DRAFT:
        raise ValidationError("This order was submitted; it can no longer be edited.")
    return order


def mapped_fields(version: OrderFormVersion) -> dict[str, Question]:
    """maps_to -> question, for the header facts a version's answers supply."""
    return {
        question.maps_to: question
        for question in version.questions.all()
        if question.maps_to
    }


def _mapped_value(target: str, value: object) -> object:
    """A typed answer as the header field it fills; what does not fit is blank."""
    text = "" if value is None or isinstance(value, bool) else str(value).strip()
    if target == Question.MapsTo.REQUESTED_DATE:
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            return None
    if target == Question.MapsTo.CONTACT_EMAIL:
        try:
            validate_email(text)
        except ValidationError:
            return ""
        return text[:254]
    return text[:100]


def order_mapped_answers_apply(
    *, order: Order, user: User | None, answers: Mapping[str, object]
) -> Order:
    """Copy the answers of questions mapped onto the header (requested date,
    customer reference, contact e-mail) into the order: the answer is the one
    source, so an unanswered mapped question clears its field. Called by the
    requirement services inside their transaction."""
    mapped = mapped_fields(order.form_version)
    if not mapped:
        return order
    order = Order.objects.select_for_update().get(pk=order.pk)
    changed = False
    for target, question in mapped.items():
        value = _mapped_value(target, answers.get(question.key))
        if getattr(order, target) != value:
            setattr(order, target, value)
            changed = True
    if changed:
        attribute(order, user=user, reason="Header taken from the form's answers")
        order.save()
    return order


def order_value_apply(
    *, order: Order, user: User | None, answers: Mapping[str, object]
) -> Order:
    """Set what the order is worth from submitted answers and its form's value
    setting (orders.orderforms.order_value); like the header facts, it follows the
    latest submitted revision. Called by the requirement services inside their
    transaction."""
    money = order_value_of(order.form_version, answers)
    value = money.amount if money else None
    currency = money.currency if money else ""
    if order.value == value and order.value_currency == currency:
        return order
    order = Order.objects.select_for_update().get(pk=order.pk)
    order.value = value
    order.value_currency = currency
    attribute(order, user=user, reason="Value taken from the form's answers")
    order.save(update_fields=["value", "value_currency", "updated_at"])
    return order


@transaction.atomic
def order_header_update(
    *, order: Order, user: User, **header: Unpack[OrderHeader]
) -> Order:
    """Change a draft's header; naming a real customer confirms a catalog request.
    documented_statement None leaves it as it is."""
    order = _locked_draft(order)
    channel = header["channel"]
    customer = header.get("customer")
    requested_date = header.get("requested_date")
    documented_statement = header.get("documented_statement")
    if new_customer := header.get("new_customer"):
        customer = customer_create(user=user, data=new_customer)
    _check_header(customer=customer, channel=channel, requested_date=requested_date)
    if customer.account_code == CATALOG_CUSTOMER_CODE:
        raise ValidationError({"customer": "Choose the real customer."})
    customer_changed = order.customer_id != customer.pk
    order.customer = customer
    order.customer_to_confirm = False
    order.channel = channel
    # A header fact a question supplies is left to its answer (one source).
    mapped = mapped_fields(order.form_version)
    if Question.MapsTo.CUSTOMER_REFERENCE not in mapped:
        order.customer_reference = header.get("customer_reference", "").strip()
    if Question.MapsTo.REQUESTED_DATE not in mapped:
        order.requested_date = requested_date
    if documented_statement is not None:
        order.documented_statement = documented_statement
    if order.is_quote and header.get("valid_until"):
        order.valid_until = header["valid_until"]
    attribute(order, user=user)
    order.save()
    if customer_changed:
        events.order_customer_changed.send(
            sender=order_header_update, order=order, user=user
        )
    return order


def order_status_set(
    *,
    order: Order,
    status: str,
    user: User | None,
    reason: str | None = None,
    change_in_review: bool = False,
    submission: bool = False,
) -> Order:
    """Set an order's status: the one write of Order.status and change_in_review.

    Runs inside the caller's transaction, on the order row the caller has locked
    (select_for_update), and names user and reason on the order's history row.
    A status the order already has writes nothing, except for a submission: each
    submitted revision is on the order's record, and the first sets submitted_at.
    """
    if submission:
        if order.submitted_at is None:
            order.submitted_at = timezone.now()
    elif order.status == status and order.change_in_review == change_in_review:
        return order
    order.status = status
    order.change_in_review = change_in_review
    attribute(order, user=user, reason=reason)
    order.save(
        update_fields=["status", "change_in_review", "submitted_at", "updated_at"]
    )
    return order


@transaction.atomic
def quote_validity_set(
    *, quote: Order, user: User, valid_until: datetime.date, reason: str
) -> Order:
    """A quote's new validity date (renewal: requirements.quotes.quote_renew)."""
    quote = Order.objects.select_for_update().get(pk=quote.pk)
    if not quote.is_quote:
        raise ValidationError(f"{quote.number} is not a quote.")
    if valid_until is None or valid_until < timezone.localdate():
        raise ValidationError({"valid_until": "The quote would already have expired."})
    quote.valid_until = valid_until
    attribute(quote, user=user, reason=reason)
    quote.save()
    return quote


def quote_validity_restore(
    *, quote: Order, agreed_at: datetime.datetime | None, user: User | None
) -> Order:
    """A change of a quote that does not take effect (a rejected renewal, declined
    conditions) leaves the quote valid as long as it was when the revision last
    agreed was submitted: a renewal (requirements.quotes.quote_renew) moves the date
    before its new revision is reviewed, so a rejected one must move it back, even
    into the past. Called inside the decision's transaction."""
    if agreed_at is None:
        # A revision without a submission time (imported) gives no moment to go by.
        return quote
    agreed_until = (
        quote.history.filter(history_date__lte=agreed_at)
        .order_by("-history_date", "-history_id")
        .values_list("valid_until", flat=True)
        .first()
    )
    if agreed_until is None or agreed_until == quote.valid_until:
        return quote
    quote = Order.objects.select_for_update().get(pk=quote.pk)
    quote.valid_until = agreed_until
    attribute(
        quote,
        user=user,
        reason=f"The change was not taken: valid until {agreed_until:%Y-%m-%d} again",
    )
    quote.save(update_fields=["valid_until", "updated_at"])
    return quote


def order_mark_submitted(
    *, order: Order, user: User | None, has_baseline: bool = False
) -> Order:
    """Status after a requirement revision is submitted (called inside its transaction).

    Only requirements.services.revision_submit calls this: the status follows the
    revision, never a form. has_baseline: an earlier revision was accepted, so the
    order stays accepted (what was agreed still holds) with a change in review.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    changing = has_baseline and order.status == Order.Status.ACCEPTED
    return order_status_set(
        order=order,
        status=Order.Status.ACCEPTED if changing else Order.Status.AWAITING_REVIEW,
        user=user,
        change_in_review=changing,
        submission=True,
    )


# --- portal links ----------------------------------------------------------------

# Shown to tell links apart; the other ~37 characters (over 200 bits) stay secret.
TOKEN_START_LENGTH = 6


@transaction.atomic
def portal_link_create(
    *, order: Order, user: User, days: int | None = None, label: str = ""
) -> tuple[PortalLink, str]:
    """A new link for one draft order; returns the link and its token (shown once).

    The label (who it was sent to) and the token's first characters tell links apart.
    """
    order = _locked_draft(order)
    if order.customer_to_confirm:
        raise ValidationError("Confirm who the customer is before sending them a link.")
    token = secrets.token_urlsafe(32)
    lifetime = days if days is not None else settings.PORTAL_LINK_DAYS
    link = PortalLink(
        order=order,
        token_hash=token_hash(token),
        token_start=token[:TOKEN_START_LENGTH],
        label=label.strip()[:100],
        created_by=user,
        expires_at=timezone.now() + datetime.timedelta(days=lifetime),
    )
    attribute(link, user=user)
    link.save()
    return link, token


@transaction.atomic
def portal_link_revoke(*, link: PortalLink, user: User) -> PortalLink:
    link = PortalLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None:
        raise ValidationError("This link was already revoked.")
    link.revoked_at = timezone.now()
    link.revoked_by = user
    attribute(link, user=user)
    link.save()
    return link


def portal_link_mark_used(*, link: PortalLink) -> PortalLink:
    """The customer submitted through the link (inside the submit's transaction)."""
    link = PortalLink.objects.select_for_update().get(pk=link.pk)
    link.used_at = timezone.now()
    link.save()
    return link


def portal_links_expire(*, order: Order, user: User | None) -> int:
    """End the order's still-open links once it is submitted (inside the submit's
    transaction): a link nobody used must not stay a way into the order."""
    now = timezone.now()
    count = 0
    open_links = PortalLink.objects.select_for_update().filter(
        order=order, revoked_at__isnull=True, used_at__isnull=True, expires_at__gt=now
    )
    for link in open_links:
        link.expires_at = now
        attribute(link, user=user, reason="Expired: the order was submitted")
        link.save()
        count += 1
    return count
