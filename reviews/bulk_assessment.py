"""Marking a reviewer's open items "can meet" at once: one transaction, each slot
written as reviews.services.assessment_record() writes one verdict."""

from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from orderreview import roles
from orders.models import Order
from reviews import services
from reviews.models import Assessment, Review


class StaleRevision(ValidationError):
    """The order moved on to a later revision since the reviewer's form was
    loaded: what they chose belongs to a superseded review."""

    def __init__(self, review: Review, current: Review | None) -> None:
        now = (
            f"revision {current.requirement_set.number} is under review now"
            if current is not None
            else "this review is closed"
        )
        super().__init__(
            f"This order changed while you were choosing: {now}, and nothing was "
            f"marked on revision {review.requirement_set.number}. Open the current "
            "review and choose again.",
            code="stale",
        )
        self.current = current


def assessments_record_can_meet(
    *,
    review: Review,
    user: Any,
    assessment_ids: Collection[int],
    revision: int | None = None,
) -> list[Assessment]:
    """Record "can meet" on the chosen slots in one transaction.

    Only slots of this review, of the user's disciplines and still unassessed are
    marked, each as assessment_record() writes one verdict; a slot someone
    assessed since the list was shown keeps that verdict (it is left out of the
    result, never overwritten). revision is the revision number the reviewer's form
    showed: when the order has moved on (a change order superseded this review),
    StaleRevision is raised and nothing is marked. Nothing chosen is an error.
    """
    wanted = set(assessment_ids)
    if not roles.has_role(user, *roles.REVIEWING):
        raise ValidationError("Only reviewers can assess requirements.")
    if not wanted:
        raise ValidationError(
            {"assessments": "Tick at least one requirement to mark as can meet."}
        )
    services.verdict_check(Assessment.Verdict.CAN_MEET, "")
    with transaction.atomic():
        # The order row first, as assessment_record and decision_sign take it.
        Order.objects.select_for_update().get(pk=review.order_id)
        current = (
            Review.objects.select_for_update(of=("self",))
            .select_related("requirement_set")
            .get(pk=review.pk)
        )
        stale = revision is not None and revision != current.requirement_set.number
        if stale or current.state == Review.State.SUPERSEDED:
            raise StaleRevision(current, review_current(current))
        if current.state != Review.State.OPEN:
            raise ValidationError(
                "This review is closed: its assessments can no longer be changed."
            )
        slots = list(
            Assessment.objects.select_for_update(of=("self",))
            .filter(
                review=current,
                pk__in=wanted,
                verdict="",
                discipline__members=user,
            )
            .select_related("requirement", "discipline")
            .order_by("pk")
        )
        for slot in slots:
            services.verdict_write(
                slot,
                user=user,
                verdict=Assessment.Verdict.CAN_MEET,
                note="",
                reason="Marked can meet with the user's other open items",
            )
        if slots:
            services.review_assessment_started(current, user=user)
    return slots


def review_current(review: Review) -> Review | None:
    """The order's review open or awaiting approvers now, if any."""
    return (
        Review.objects.filter(
            order_id=review.order_id,
            state__in=[Review.State.OPEN, Review.State.SIGNING],
        )
        .select_related("requirement_set")
        .first()
    )
