"""The order page's review panel and customer agreements, read with its revision
history (requirements.selectors.revision_history): every review of the order is a
revision's review, so one query reads both, and the panel has none of its own."""

from collections.abc import Iterable

from django.db.models import OuterRef

from orderreview.loading import name_fields
from requirements.models import RequirementSet
from requirements.selectors import HistoryJoin
from reviews.models import Assessment, Review
from reviews.selectors import is_overdue, slot_count

AGREEMENT = "review__decision__agreement"


def history_join() -> HistoryJoin:
    """What the panels read of each revision's review, decision and customer
    agreement, with the review's slot counts as correlated counts (a COUNT over
    the joined rows would group by all of them)."""
    slots = Assessment.objects.filter(review__requirement_set=OuterRef("pk"))
    return HistoryJoin(
        related=(f"{AGREEMENT}__recorded_by", f"{AGREEMENT}__communication"),
        fields=(
            "review__state",
            "review__due_date",
            *(
                f"{AGREEMENT}__{name}"
                for name in (
                    "revision_number",
                    "conditions",
                    "state",
                    "answered_by_name",
                    "answered_via",
                    "answered_at",
                    "comment",
                )
            ),
            *name_fields(f"{AGREEMENT}__recorded_by"),
            f"{AGREEMENT}__communication__subject",
        ),
        annotations={
            "review_slots": slot_count(slots),
            "review_slots_open": slot_count(slots.filter(verdict="")),
        },
    )


def reviews_of_revisions(revisions: Iterable[RequirementSet]) -> list[Review]:
    """The reviews of revisions read with history_join(), newest revision first,
    with their progress (total and pending slots) and whether they are overdue."""
    found = []
    for revision in sorted(revisions, key=lambda r: r.number, reverse=True):
        review = getattr(revision, "review", None)
        if review is None:
            continue
        review.total = revision.review_slots
        review.pending = revision.review_slots_open
        review.overdue = is_overdue(review)
        found.append(review)
    return found
