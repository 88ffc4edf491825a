"""What the review page shows of each statutory check, and its form if the user
may confirm it: shared by the review page and the check's save view."""

from typing import Any

from reviews import statutory
from reviews.forms import StatutoryCheckForm
from reviews.models import Review, StatutoryCheck


def check_row(
    check: StatutoryCheck,
    review: Review,
    discipline_ids: set[int],
    form: StatutoryCheckForm | None = None,
    conflict: str = "",
    saved: bool = False,
    errors: list[str] | None = None,
) -> dict[str, object]:
    """What one check row shows, and its form if this user may confirm it."""
    editable = (
        review.state == Review.State.OPEN and check.discipline_id in discipline_ids
    )
    if editable and form is None:
        form = StatutoryCheckForm(
            prefix=f"s{check.pk}",
            initial={
                "state": None if check.state == check.State.PENDING else check.state,
                "note": check.note,
                "version": check.version,
            },
        )
    return {
        "check": check,
        "form": form if editable else None,
        "conflict": conflict,
        "saved": saved,
        "errors": errors or [],
    }


def check_rows_by_discipline(
    review: Review,
    discipline_ids: set[int],
    bound: dict[str, Any] | None = None,
) -> dict[int, list[dict[str, object]]]:
    """The review page's check rows, by discipline id (from prefetched rows); bound
    is the row of a save that is shown again with its errors."""
    return {
        discipline_id: [
            bound
            if bound is not None and bound["check"].pk == check.pk
            else check_row(check, review, discipline_ids)
            for check in checks
        ]
        for discipline_id, checks in statutory.checks_by_discipline(review).items()
    }
