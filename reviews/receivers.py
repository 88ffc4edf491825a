"""Reactions of the reviews app to other apps' domain events (orderreview.events)."""

from typing import Any

from requirements.models import RequirementSet
from reviews import opening


def review_open_on_submission(
    sender: type, *, revision: RequirementSet, **kwargs: Any
) -> None:
    """A submitted revision is reviewed; unchanged requirements of a change order
    keep the verdicts of the last decided review."""
    if revision.number > 1:
        opening.review_reopen_for_change(revision=revision)
    else:
        opening.review_open(revision=revision)
