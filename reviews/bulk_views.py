"""The page that marks a reviewer's open items "can meet" at once: choose the
exceptions, confirm how many will be marked, then one service call."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from orderreview import roles
from orderreview.forms import form_errors_add
from orderreview.roles import role_required
from reviews import bulk_assessment, selectors
from reviews.forms import CanMeetForm
from reviews.line_groups import LineGroup, split_by_line
from reviews.models import Assessment, Review

# The steps a POST names: back to choosing, to the confirmation, or apply.
CHOOSE, CONFIRM, APPLY = "choose", "confirm", "apply"


def _rows(form: CanMeetForm, slots: list[Assessment]) -> list[dict[str, object]]:
    # The boxes are written by the template, not by the widget's own template: a
    # widget render per box cost seconds for an order of 3,000 items.
    ticked = form.ticked()
    return [{"slot": slot, "ticked": slot.pk in ticked} for slot in slots]


def _line_rows(form: CanMeetForm, group: LineGroup) -> dict[str, object]:
    rows = _rows(form, group.assessments)
    # A line holding a ticked exception stays unfolded: nothing chosen is hidden.
    ticked = any(row["ticked"] for row in rows)
    return {"group": group, "rows": rows, "open": ticked}


NOTHING_LEFT = (
    "Nothing is left to mark: every item listed is ticked as an exception or was "
    "assessed meanwhile. Untick the ones that can be met, or go back to the review."
)


def _summary(
    form: CanMeetForm, slots: list[Assessment], marked_ids: list[int]
) -> dict[str, object]:
    """What the confirmation says before anything is marked."""
    shown = set(form.cleaned_data["shown"])
    excepted = set(form.cleaned_data["exceptions"])
    open_ids = {slot.pk for slot in slots}
    return {
        "to_mark": len(marked_ids),
        "exceptions": [s for s in slots if s.pk in excepted],
        "gone": len([pk for pk in form.chosen() if pk not in open_ids]),
        "new_since": len(open_ids - shown),
    }


def _marked_text(form: CanMeetForm, marked: list[Assessment]) -> str:
    skipped = len(form.chosen()) - len(marked)
    text = f"Marked {len(marked)} requirement(s) as can meet."
    if skipped:
        text += f" {skipped} had been assessed by someone else meanwhile."
    return text


def _stale(review: Review, form: CanMeetForm) -> bool:
    """Whether the form was loaded for a revision the order has moved on from."""
    if review.state == Review.State.SUPERSEDED:
        return True
    form.is_valid()
    shown = form.cleaned_data.get("revision")
    return shown is not None and shown != review.requirement_set.number


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(*roles.REVIEWING)
def assessments_can_meet(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the reviewer's open items "can meet" at once: the page lists them by
    line with a box to tick for each exception, then says how many will be marked
    before anything is."""
    review = selectors.review_get(pk)
    slots = selectors.assessments_open_for(review, request.user)
    revision = review.requirement_set.number
    posted = request.method == "POST"
    form = CanMeetForm(request.POST if posted else None, slots=slots, revision=revision)
    step = request.POST.get("step", CHOOSE) if posted else CHOOSE
    current = None
    summary: dict[str, object] = {}
    if posted and _stale(review, form):
        current = bulk_assessment.review_current(review)
        form.add_error(None, bulk_assessment.StaleRevision(review, current))
    elif posted and form.is_valid() and step in (CONFIRM, APPLY):
        open_ids = {slot.pk for slot in slots}
        marked_ids = [pk for pk in form.chosen() if pk in open_ids]
        if not marked_ids:
            form.add_error(None, NOTHING_LEFT)
        elif step == CONFIRM:
            summary = _summary(form, slots, marked_ids)
        else:
            try:
                marked = bulk_assessment.assessments_record_can_meet(
                    review=review,
                    user=request.user,
                    assessment_ids=marked_ids,
                    revision=form.cleaned_data["revision"],
                )
            except ValidationError as error:
                current = getattr(error, "current", None)
                form_errors_add(form, error)
            else:
                messages.success(request, _marked_text(form, marked))
                return redirect("reviews:review_detail", pk=review.pk)
    once, line_groups = split_by_line(slots)
    context = {
        "review": review,
        "form": form,
        "slots": slots,
        "confirming": bool(summary),
        "summary": summary,
        "current_review": current,
        "once_rows": _rows(form, once),
        "line_rows": [_line_rows(form, group) for group in line_groups],
    }
    return render(request, "reviews/assessments_can_meet.html", context)
