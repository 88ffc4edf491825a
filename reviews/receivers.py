"""Reactions of the reviews app to other apps' domain events (orderreview.events)."""

from typing import Any

from requirements.models import RequirementSet
from reviews import services


def review_open_on_submission(
    sender: type, *, revision: RequirementSet, **kwargs: Any
) -> None:
    """A submitted revision is reviewed; unchanged requirements of a change order
    keep the verdicts of the last decided review."""
    carry_forward = (
        services.carry_forward_from_previous(revision=revision)
        if revision.number > 1
        else None
    )
    services.review_open(revision=revision, carry_forward=carry_forward)
