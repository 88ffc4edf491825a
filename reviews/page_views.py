"""The review page and the rows of one of its lines, read on demand (issue 17).

The page shows what is asked once and the first LINES_SHOWN lines with something
open for the reader; every other line is a folded summary whose counts come from
one aggregate query (reviews.line_counts). Unfolding it loads the line's rows from
review_line (htmx), or, with JavaScript off, opens the page with that line shown
(?line=L7).
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from orderreview import roles
from orderreview.roles import role_required
from orders.orderforms import lines
from orders.uploads import stored_upload_path
from requirements import selectors as req_selectors
from requirements.quote_differences import differences_shown
from reviews import line_groups, selectors, services, statutory
from reviews.forms import AssessmentForm, ReopenForm
from reviews.line_counts import (
    OpenPath,
    ReviewCounts,
    in_page_order,
    review_counts,
    slots_of_lines,
)
from reviews.models import Assessment, Review
from reviews.statutory_rows import check_rows_by_discipline

# Lines with something open for the reader shown unfolded, with their rows, the
# first time the page loads; the others are read when unfolded.
LINES_SHOWN = 5


def requirement_file_url(requirement: Any, order_number: str, user: Any) -> str:
    """The download link of a stored file answer, for those allowed to read it."""
    if stored_upload_path(requirement.value, order_number) is None:
        return ""
    if not roles.has_role(user, *roles.ORDER_OPENERS):
        return ""
    return reverse("orders:requirement_file", args=[order_number, requirement.pk])


def row_of(
    assessment: Assessment,
    path: OpenPath,
    *,
    form: AssessmentForm | None = None,
    conflict: str = "",
    saved: bool = False,
    errors: list[str] | None = None,
    user: Any = None,
    reopen_form: ReopenForm | None = None,
) -> dict[str, object]:
    """What one assessment row shows, and its form if this user may assess it."""
    review = path.review
    editable = (
        review.state == Review.State.OPEN
        and assessment.discipline_id in path.discipline_ids
    )
    if editable and assessment.carried_from_id and reopen_form is None:
        reopen_form = ReopenForm(prefix=f"r{assessment.pk}")
    if editable and form is None:
        form = AssessmentForm(
            prefix=f"a{assessment.pk}",
            initial={
                "verdict": assessment.verdict or None,
                "note": assessment.note,
                "version": assessment.version,
            },
        )
    next_open = path.after(assessment)
    return {
        "assessment": assessment,
        "form": form if editable else None,
        "reopen_form": reopen_form if editable and assessment.carried_from_id else None,
        "conflict": conflict,
        "saved": saved,
        "errors": errors or [],
        "next_open": next_open,
        "next_href": path.href(next_open) if next_open else "",
        "file_url": requirement_file_url(
            assessment.requirement, review.order.number, user
        ),
    }


def row_url(assessment: Assessment) -> str:
    """The review page at this row, with its line shown if it is on one (the
    line might be folded otherwise)."""
    page = reverse("reviews:review_detail", args=[assessment.review_id])
    line = lines.line_of_key(assessment.requirement.key)
    return (
        f"{page}?line={line}#a{assessment.pk}" if line else f"{page}#a{assessment.pk}"
    )


def path_of(
    review: Review, user: Any, shown: list[str]
) -> tuple[OpenPath, ReviewCounts]:
    """The reader's path through the review's open slots, and the counts it
    came from."""
    discipline_ids = selectors.discipline_ids_of(user)
    counts = review_counts(review, discipline_ids)
    return OpenPath(review, counts, discipline_ids, shown), counts


def _group(
    group: selectors.DisciplineGroup,
    path: OpenPath,
    user: Any,
    bound: dict[str, object] | None,
    checks: dict[int, list[Any]],
) -> dict[str, Any]:
    rows, carried = [], []
    for assessment in group.assessments:
        if bound and bound["assessment"].pk == assessment.pk:
            row = bound
        else:
            row = row_of(assessment, path, user=user)
        # Carried-forward verdicts still hold: folded away so the page starts
        # with what needs a look, unless this row has something to report.
        fold = assessment.carried_from_id and row is not bound
        (carried if fold else rows).append(row)
    return {
        "group": group,
        "rows": rows,
        "carried_rows": carried,
        "checks": checks.get(group.discipline.pk, []),
    }


def _requested_line(request: HttpRequest) -> str:
    line = request.GET.get("line", "")
    return line if lines.LINE_KEY_RE.match(line) else ""


def _lines_shown(review: Review, counts: ReviewCounts, wanted: list[str]) -> list[str]:
    """The lines whose rows the page shows: the first LINES_SHOWN with something
    open for the reader, and those asked for (?line=, a row with an error)."""
    known = {count.line for count in counts.lines}
    shown = (
        [count.line for count in counts.lines if count.mine][:LINES_SHOWN]
        if review.state == Review.State.OPEN
        else []
    )
    return [*shown, *(line for line in wanted if line in known and line not in shown)]


def review_page(
    request: HttpRequest,
    review: Review,
    bound: dict[str, object] | None = None,
    bound_check: dict[str, Any] | None = None,
) -> HttpResponse:
    discipline_ids = selectors.discipline_ids_of(request.user)
    counts = review_counts(review, discipline_ids)
    wanted = [_requested_line(request)]
    if bound is not None:
        wanted.append(lines.line_of_key(bound["assessment"].requirement.key))
    shown = _lines_shown(review, counts, wanted)
    path = OpenPath(review, counts, discipline_ids, shown)
    checks = check_rows_by_discipline(review, discipline_ids, bound_check)
    slots = in_page_order(slots_of_lines(review, shown))
    once, by_line = line_groups.sections_of(review, slots)
    groups = [_group(group, path, request.user, bound, checks) for group in once]
    loaded = {line.line: line for line in by_line}
    # One reverse() for the page's 200 lines, not one each: the converter takes
    # any line key, so the same path with the key swapped in is the line's URL.
    line_url = reverse("reviews:review_line", args=[review.pk, "LINE"])
    lines_shown = [
        {
            "line": count,
            "url": line_url.replace("/LINE/", f"/{count.line}/"),
            "groups": [
                _group(group, path, request.user, bound, {})
                for group in loaded[count.line].disciplines
            ]
            if count.line in loaded
            else [],
        }
        for count in counts.lines
    ]
    first = counts.my_open[0] if counts.my_open else None
    context = {
        "review": review,
        "groups": groups,
        "lines": lines_shown,
        "overdue": selectors.is_overdue(review),
        "pending": counts.pending,
        "statutory_pending": statutory.checks_pending(review),
        "my_open": len(counts.my_open),
        "page_url": reverse("reviews:review_detail", args=[review.pk]),
        "first_open": first,
        "first_href": path.href(first) if first else "",
        "can_sign": review.state in (Review.State.OPEN, Review.State.SIGNING)
        and roles.has_role(request.user, roles.APPROVER),
        "confirmation_missing": review.state == Review.State.OPEN
        and services.confirmation_missing(review),
        # A change order's review shows what changed against the baseline, removed
        # requirements included (they have no slot, so this is their record).
        "diff": req_selectors.revision_diff(review.requirement_set)
        if review.requirement_set.number > 1
        else None,
        "reopened": counts.reopened,
        "carried": counts.carried,
    }
    # An order made from a quote: what differs from it, to resolve before signing.
    context["quote_differences"] = (
        differences_shown(review.requirement_set) if review.order.quote_id else None
    )
    return render(request, "reviews/review_detail.html", context)


@require_safe
@role_required(*roles.REVIEWING, read_only=roles.REVIEW_READERS)
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return review_page(request, selectors.review_get(pk, with_assessments=False))


@require_safe
@role_required(*roles.REVIEWING, read_only=roles.REVIEW_READERS)
def review_line(request: HttpRequest, pk: int, line: str) -> HttpResponse:
    """The rows of one line of the review page, for a folded line unfolded: the
    page's permissions, forms and links, in a fixed number of queries."""
    review = selectors.review_get(pk, with_assessments=False)
    path, counts = path_of(review, request.user, [line])
    count = counts.line(line) if lines.LINE_KEY_RE.match(line) else None
    if count is None:
        raise Http404("No such line in this review.")
    slots = in_page_order(slots_of_lines(review, [line]).filter(slot_line=line))
    _once, by_line = line_groups.split_by_line(slots)
    item = {
        "line": count,
        "groups": [
            _group(group, path, request.user, None, {})
            for group in by_line[0].disciplines
        ],
    }
    return render(request, "reviews/_line_body.html", {"review": review, "item": item})


def saved_row_response(
    request: HttpRequest,
    row: dict[str, Any],
    counts: ReviewCounts,
    *,
    was_open: bool,
) -> HttpResponse:
    """A row saved through htmx, with the counts it changed (its discipline's,
    its line's and the page's), swapped out of band; the reader's own count only
    when this row was one of theirs still open (the page shows it only then)."""
    assessment = row["assessment"]
    line = lines.line_of_key(assessment.requirement.key)
    count = counts.line(line)
    context = {
        "row": row,
        "count": count,
        "discipline_pending": count.pending_by_discipline.get(
            assessment.discipline_id, 0
        )
        if count
        else 0,
        "prefix": f"{line}-" if line else "",
        "pending": counts.pending,
        "my_open": len(counts.my_open),
        "was_open": was_open,
    }
    return render(request, "reviews/_assessment_saved.html", context)
