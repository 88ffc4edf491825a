"""Reactions of the reviews app to other apps' domain events (orderreview.events)."""

from typing import Any

from requirements.models import RequirementSet
from reviews import agreements, opening


def review_open_on_submission(
    sender: type, *, revision: RequirementSet, **kwargs: Any
) -> None:
    """A submitted revision is reviewed; unchanged requirements of a change order
    keep the verdicts of the last decided review, and those of an order made from
    a quote the verdicts of the quote's review."""
    order = revision.order
    # An order made from a quote keeps the quote's verdicts where it equals it;
    # a quote's later revision (a renewal) is reviewed again from the start.
    if (revision.number > 1 and not order.is_quote) or order.quote_id is not None:
        opening.review_reopen_for_change(revision=revision)
    else:
        opening.review_open(revision=revision)


def agreement_link_for_notice(sender: type, *, order: Any, **kwargs: Any) -> str | None:
    """A notice asking the customer to agree to conditions is being sent: a fresh
    answer link for it (communications cannot import this app)."""
    return agreements.agreement_link_issue(order=order)
