"""What each e-mail to staff says. Plain text built here, never a template: the
order's and customer's text is data. A subject names only the order number and
the customer's name; a body shows only what its recipient may open on the site."""

from collections.abc import Iterable
from datetime import date

from django.urls import reverse

from orders.models import Order
from requirements.models import ChangeNotification, RequirementSet
from reviews.models import Assessment, CustomerAgreement, Decision, Review
from staffmail.kinds import Kind
from staffmail.services import Letter


def _order_subject(order: Order, what: str) -> str:
    return f"{order.number} ({order.customer.name}): {what}"


def _day(value: date) -> str:
    return f"{value:%a %d %b %Y}"


def _items(assessments: Iterable[Assessment]) -> list[str]:
    return [f"  - {a.discipline.name}: {a.requirement.statement}" for a in assessments]


def review_opened(review: Review, pending: list[Assessment]) -> Letter:
    revision = review.requirement_set
    what = "review opened" if revision.number == 1 else "change to review"
    lines = [
        f"{len(pending)} requirement(s) of order {review.order.number} wait on your "
        f"verdict, due {_day(review.due_date)}:",
        *_items(pending),
    ]
    if revision.number > 1:
        lines.insert(0, f"Revision {revision.number} changes the order.")
    return Letter(
        kind=Kind.REVIEW_OPENED,
        subject=_order_subject(review.order, f"{what}, due {review.due_date:%d %b}"),
        lines=lines,
        link=reverse("reviews:review_detail", args=[review.pk]),
        order=review.order,
        review=review,
    )


def reminder(review: Review, pending: list[Assessment], today: date) -> Letter:
    late = (today - review.due_date).days
    when = "today" if late == 0 else f"{late} day(s) ago"
    return Letter(
        kind=Kind.REMINDER,
        subject=_order_subject(review.order, f"review due {when}"),
        lines=[
            f"The review of order {review.order.number} was due {when} "
            f"({_day(review.due_date)}); these still wait on your verdict:",
            *_items(pending),
        ],
        link=reverse("reviews:review_detail", args=[review.pk]),
        order=review.order,
        review=review,
    )


def escalation(review: Review, pending_count: int, today: date) -> Letter:
    late = (today - review.due_date).days
    return Letter(
        kind=Kind.ESCALATION,
        subject=_order_subject(review.order, f"review {late} day(s) overdue"),
        lines=[
            f"The review of order {review.order.number} was due "
            f"{_day(review.due_date)} and is {late} day(s) overdue: "
            f"{pending_count} verdict(s) are still open.",
        ],
        link=reverse("reviews:review_detail", args=[review.pk]),
        order=review.order,
        review=review,
    )


def ready_to_sign(review: Review, blockers: list[str]) -> Letter:
    lines = [f"Every verdict on order {review.order.number} is in: it can be signed."]
    if blockers:
        lines = [
            f"Every verdict on order {review.order.number} is in, but it cannot be "
            "accepted yet:",
            *[f"  - {blocker}" for blocker in blockers],
        ]
    return Letter(
        kind=Kind.READY_TO_SIGN,
        subject=_order_subject(review.order, "ready to sign"),
        lines=lines,
        link=reverse("reviews:decision_sign", args=[review.pk]),
        order=review.order,
        review=review,
    )


def decided(review: Review, decision: Decision) -> Letter:
    revision = review.requirement_set
    what = "the order" if revision.number == 1 else f"change {revision.number}"
    lines = [
        f"{decision.decided_by.printed_name} signed the decision on {what}: "
        f"{decision.get_outcome_display()}."
    ]
    if CustomerAgreement.objects.filter(decision=decision).exists():
        lines.append(
            "It was accepted with conditions: it stands once the customer agrees to "
            "them (they were sent the conditions with a link to answer)."
        )
    if decision.reasons:
        lines.append(f"Reasons: {decision.reasons}")
    return Letter(
        kind=Kind.DECIDED,
        subject=_order_subject(review.order, decision.get_outcome_display().lower()),
        lines=lines,
        link=review.order.get_absolute_url(),
        order=review.order,
    )


def change_submitted(
    revision: RequirementSet, notification: ChangeNotification
) -> Letter:
    return Letter(
        kind=Kind.CHANGE_SUBMITTED,
        subject=_order_subject(
            revision.order, f"change {revision.number} to acknowledge"
        ),
        lines=[
            f"Order {revision.order.number} was changed (revision {revision.number}). "
            f"You are told as {notification.reason}.",
            f"Why: {revision.reason}" if revision.reason else "",
            "Read what changed and acknowledge it from the link below.",
        ],
        link=notification.get_absolute_url(),
        order=revision.order,
    )


def notice_failed(notice) -> Letter:  # noqa: ANN001 (communications.OutboundNotice)
    return Letter(
        kind=Kind.NOTICE_FAILED,
        subject=_order_subject(
            notice.order, f"notice failed: {notice.get_kind_display()}"
        ),
        lines=[
            f"The {notice.get_kind_display().lower()} for order {notice.order.number} "
            + (
                f"could not be sent after {notice.attempts} attempt(s)."
                if notice.attempts
                else "could not be sent."
            ),
            f"Last error: {notice.last_error}",
            "Check the address or the template, then resend or cancel it.",
        ],
        link=reverse("communications:notice_detail", args=[notice.pk]),
        order=notice.order,
    )


def customer_answered(agreement: CustomerAgreement) -> Letter:
    order = agreement.order
    agreed = agreement.state == CustomerAgreement.State.AGREED
    what = "agreed to" if agreed else "declined"
    lines = [
        f"{agreement.answered_by_name} {what} the conditions of revision "
        f"{agreement.revision_number} of order {order.number} "
        f"({agreement.get_answered_via_display().lower()}).",
    ]
    if agreement.comment:
        lines.append(f"Their words: {agreement.comment}")
    if not agreed:
        lines.append(
            "Next: raise a change order with what the customer wants, or have an "
            "approver close the order as rejected."
        )
    return Letter(
        kind=Kind.CUSTOMER_ANSWERED,
        subject=_order_subject(order, f"customer {what} the conditions"),
        lines=lines,
        link=order.get_absolute_url(),
        order=order,
    )


def quote_answered(quote: Order, name: str, *, accepted: bool, message: str) -> Letter:
    if accepted:
        lines = [
            f"{name} accepted quote {quote.number} through its link.",
            "Next: when their order arrives, make it from the quote (Order from "
            "this quote); what differs from the quote is listed to resolve.",
        ]
    else:
        lines = [
            f"{name} asked for changes to quote {quote.number} through its link.",
            f"Their words: {message}",
            "Next: renew the quote with the changes (it is reviewed again), or "
            "answer them.",
        ]
    return Letter(
        kind=Kind.QUOTE_ANSWERED,
        subject=_order_subject(
            quote, "quote accepted" if accepted else "changes asked to the quote"
        ),
        lines=lines,
        link=quote.get_absolute_url(),
        order=quote,
    )
