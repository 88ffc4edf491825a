"""Review-side test data for the audit tests, saved directly on the models.

The reviews app's own factories and services land in a parallel branch; these
builders save rows the way those services will (with history user and reason), so the
audit tests do not depend on that work.
"""

import datetime as dt

from django.utils import timezone

from orders.models import Order
from requirements.models import RequirementSet
from reviews.models import Assessment, Decision, Review
from tests import factories


def save(instance: object, *, by: object = None, reason: str | None = None) -> object:
    """Save with the history user and change reason a service would record."""
    instance._history_user = by
    if reason:
        instance._change_reason = reason
    instance.save()
    return instance


def submitted_order(
    *, by: object, requirements: int = 2, number: int = 1, **order_fields: object
):
    """An order with a submitted revision and its requirements (order_fields are
    set at entry: once submitted, the database refuses changes to them)."""
    order = factories.OrderFactory(entered_by=by, **order_fields)
    revision = factories.RequirementSetFactory(order=order, number=number)
    items = [
        factories.RequirementFactory(requirement_set=revision, position=i)
        for i in range(requirements)
    ]
    revision.state = RequirementSet.State.SUBMITTED
    revision.submitted_by = by
    revision.submitted_at = timezone.now()
    save(revision, by=by, reason="Submitted for review")
    order.status = Order.Status.AWAITING_REVIEW
    order.submitted_at = timezone.now()
    save(order, by=by, reason="Submitted for review")
    return order, revision, items


def change_order(order: Order, *, by: object, number: int = 2, requirements: int = 1):
    """A later, submitted revision of an order (a change order)."""
    revision = factories.RequirementSetFactory(
        order=order, number=number, state=RequirementSet.State.SUBMITTED
    )
    items = [
        factories.RequirementFactory(requirement_set=revision)
        for _ in range(requirements)
    ]
    return revision, items


def open_review(
    revision: RequirementSet,
    *,
    due: dt.date | None = None,
    opened_at: dt.datetime | None = None,
    disciplines: tuple = (),
    by: object = None,
) -> Review:
    review = save(
        Review(
            requirement_set=revision,
            order=revision.order,
            due_date=due or timezone.localdate() + dt.timedelta(days=3),
        ),
        by=by,
    )
    if opened_at is not None:
        # opened_at is auto_now_add: set on insert only, so a later save moves it.
        review.opened_at = opened_at
        save(review, by=by)
    for requirement in revision.requirements.all():
        for discipline in disciplines or (requirement.discipline,):
            save(
                Assessment(
                    review=review, requirement=requirement, discipline=discipline
                ),
                by=by,
            )
    order = revision.order
    order.status = Order.Status.IN_REVIEW
    save(order, by=by)
    return review


def assess(
    assessment: Assessment, *, verdict: str, by: object, note: str = ""
) -> Assessment:
    assessment.verdict = verdict
    assessment.note = note
    assessment.assessed_by = by
    assessment.assessed_at = timezone.now()
    assessment.version += 1
    return save(assessment, by=by, reason="Assessed")


def decide(
    review: Review,
    *,
    outcome: str,
    by: object,
    reasons: str = "",
    at: dt.datetime | None = None,
) -> Decision:
    """Sign the review's decision and close it, as the decision service will."""
    decision = save(
        Decision(
            review=review,
            outcome=outcome,
            reasons=reasons,
            decided_by=by,
            decided_at=at or timezone.now(),
        ),
        by=by,
        reason="Decision signed",
    )
    review.state = Review.State.DECIDED
    review.closed_at = decision.decided_at
    save(review, by=by)
    revision = review.requirement_set
    revision.state = (
        RequirementSet.State.ACCEPTED
        if outcome == Decision.Outcome.ACCEPT
        else RequirementSet.State.REJECTED
    )
    save(revision, by=by)
    order = review.order
    order.status = (
        Order.Status.ACCEPTED
        if outcome == Decision.Outcome.ACCEPT
        else Order.Status.REJECTED
    )
    save(order, by=by)
    return decision
