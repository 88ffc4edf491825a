"""A quote as a PDF for the customer: who it is for, its number and validity, and
the requirements, lines and value of the revision our review confirmed (with that
revision's number). Drawn with the acceptance record's machinery (reviews.pdf:
its fonts, line breaking and [U+XXXX] for what no font draws)."""

from dataclasses import dataclass
from datetime import UTC, datetime

from orders.models import Order
from orders.orderforms.order_value import order_value_of
from requirements import selectors as req_selectors
from requirements.models import QuoteAcceptance, RequirementSet
from reviews import pdf

# The record's document class: its fonts and fast line breaking. Used as is (the
# record's own layout is not this module's to change).
QuoteDocument = pdf._Record


@dataclass(frozen=True)
class QuotePdf:
    quote: Order
    revision: RequirementSet
    acceptance: QuoteAcceptance | None


def quote_value(quote: Order, revision: RequirementSet) -> str:
    """What the revision's answers are worth, as printed ("" when not said)."""
    money = order_value_of(quote.form_version, revision.answers or {})
    return str(money) if money else ""


def _when(value: datetime) -> str:
    return f"{value.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def quote_pdf(item: QuotePdf) -> bytes:
    quote, revision = item.quote, item.revision
    customer = quote.customer
    doc = QuoteDocument(format="A4")
    doc.setup_fonts()
    doc.set_title(f"Quote {quote.number} rev. {revision.number}")
    doc.set_author("OrderReview")
    doc.set_auto_page_break(auto=True, margin=15)
    doc.add_page()
    doc.line_of(f"Quote {quote.number}", bold=True, size=15)
    doc.line_of(f"Revision {revision.number}, as reviewed")
    doc.line_of(f"Customer: {customer.name} ({customer.account_code})")
    if customer.contact_name:
        doc.line_of(f"Contact: {customer.contact_name}")
    if customer.address:
        doc.line_of(f"Address: {customer.address}")
    if quote.customer_reference:
        doc.line_of(f"Your reference: {quote.customer_reference}")
    doc.line_of(f"Valid until: {quote.valid_until:%Y-%m-%d}")
    doc.line_of(f"Value: {quote_value(quote, revision) or '-'}")
    if quote.change_in_review:
        doc.line_of(
            "A newer revision of this quote is being reviewed: this document "
            f"shows revision {revision.number}, the one last reviewed."
        )
    for group in req_selectors.requirements_by_category(revision):
        doc.heading(group.label)
        for requirement in group.requirements:
            shown = req_selectors.requirement_display(requirement)
            doc.line_of(f"- {requirement.statement}: {shown}")
    doc.heading("Acceptance")
    if item.acceptance is not None:
        accepted = item.acceptance
        doc.line_of(
            f"Accepted by {accepted.accepted_by_name} on "
            f"{_when(accepted.accepted_at)} (revision {revision.number})."
        )
    else:
        doc.line_of(
            "Not accepted yet. To accept it, use the link we sent you, or tell us "
            f"quoting {quote.number}, revision {revision.number}."
        )
    return bytes(doc.output())
