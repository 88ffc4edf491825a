"""Reads of customer agreements to conditions (reviews.agreements writes them)."""

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from orders.models import Order
from orders.services import token_hash
from reviews.models import CustomerAgreement, Review


def agreement_for_token(token: str) -> CustomerAgreement | None:
    """The agreement a portal token opens, answerable or not (the page says why)."""
    if not token or len(token) > 100:
        return None
    return (
        CustomerAgreement.objects.select_related("order__customer")
        .filter(token_hash=token_hash(token))
        .first()
    )


def agreement_refusal(agreement: CustomerAgreement | None) -> str:
    """Why a portal link cannot be used, or "" when it can."""
    if agreement is None:
        return "This link is not known."
    if agreement.token_used_at is not None or not agreement.is_pending:
        return "The answer to these conditions has already been given."
    if agreement.token_expires_at <= timezone.now():
        return "This link has expired."
    return ""


def agreements_of_order(order: Order) -> list[CustomerAgreement]:
    """Every conditional acceptance of an order and its answer, newest first, with
    who recorded it and the documenting communication: one query."""
    return list(
        CustomerAgreement.objects.filter(order=order)
        .select_related("recorded_by", "communication", "decision")
        .order_by("-revision_number")
    )


def agreements_of_reviews(reviews: list[Review]) -> list[CustomerAgreement]:
    """The agreements of reviews read with order_panel.history_join() (which
    follows decision__agreement): no query of its own."""
    found = []
    for review in reviews:
        decision = getattr(review, "decision", None)
        agreement = getattr(decision, "agreement", None) if decision else None
        if agreement is not None:
            found.append(agreement)
    return found


def agreement_pending_for_order(order: Order) -> CustomerAgreement | None:
    return (
        CustomerAgreement.objects.filter(
            order=order, state=CustomerAgreement.State.PENDING
        )
        .select_related("decision")
        .first()
    )


def orders_awaiting_agreement(orders: QuerySet[Order]) -> QuerySet[Order]:
    """The orders with conditions waiting for the customer's answer: first
    acceptances and changes to accepted orders alike."""
    return orders.filter(
        Exists(
            CustomerAgreement.objects.filter(
                order=OuterRef("pk"), state=CustomerAgreement.State.PENDING
            )
        )
    )


def agreement_of_review(review: Review) -> CustomerAgreement | None:
    """The customer's answer to the conditions of a review's acceptance, read with
    the review by selectors.review_for_record: no query of its own."""
    decision = getattr(review, "decision", None)
    return getattr(decision, "agreement", None) if decision else None
