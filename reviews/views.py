"""Reviewing, signing and the acceptance record."""

import json
from bisect import bisect_right
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from orderreview import roles
from orderreview.forms import form_errors_add
from orderreview.pagination import keyset_page, requested_token
from orderreview.roles import role_required
from orders.uploads import stored_upload_path
from requirements import selectors as req_selectors
from requirements.quote_differences import differences_shown
from reviews import (
    approval,
    countersigning,
    line_groups,
    record,
    selectors,
    services,
    signing,
    statutory,
)
from reviews.content_differences import ContentDifference, content_differences
from reviews.forms import AssessmentForm, DecisionForm, ReopenForm
from reviews.models import Assessment, Decision, Review
from reviews.record_confirmation import confirmation_shown
from reviews.statutory_rows import check_rows_by_discipline


class _OpenPath:
    """The user's open slots in page order, to link each row to the next one."""

    def __init__(self, review: Review, discipline_ids: set[int]) -> None:
        self.discipline_ids = discipline_ids
        order = line_groups.page_order(review)
        self.position = {a.pk: i for i, a in enumerate(order)}
        self.mine = (
            [a for a in order if not a.verdict and a.discipline_id in discipline_ids]
            if review.state == Review.State.OPEN
            else []
        )
        # Positions ascend with the list: a bisection finds the next one, so a
        # page of 3,000 rows links them in n log n, not n squared.
        self.mine_positions = [self.position[a.pk] for a in self.mine]

    def after(self, assessment: Assessment) -> Assessment | None:
        """The next open slot after this row; wraps round to the first so the
        keyboard path never dead-ends."""
        if assessment.discipline_id not in self.discipline_ids or not self.mine:
            return None
        here = self.position.get(assessment.pk, -1)
        later = bisect_right(self.mine_positions, here)
        if later < len(self.mine):
            return self.mine[later]
        first = self.mine[0]
        return first if first.pk != assessment.pk else None


def requirement_file_url(requirement: Any, order_number: str, user: Any) -> str:
    """The download link of a stored file answer, for those allowed to read it."""
    if stored_upload_path(requirement.value, order_number) is None:
        return ""
    if not roles.has_role(user, *roles.ORDER_OPENERS):
        return ""
    return reverse("orders:requirement_file", args=[order_number, requirement.pk])


def _row(
    assessment: Assessment,
    discipline_ids: set[int],
    review: Review,
    form: AssessmentForm | None = None,
    conflict: str = "",
    saved: bool = False,
    errors: list[str] | None = None,
    path: _OpenPath | None = None,
    user: Any = None,
    reopen_form: ReopenForm | None = None,
) -> dict[str, object]:
    """What one assessment row shows, and its form if this user may assess it."""
    editable = (
        review.state == Review.State.OPEN and assessment.discipline_id in discipline_ids
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
    return {
        "assessment": assessment,
        "form": form if editable else None,
        "reopen_form": reopen_form if editable and assessment.carried_from_id else None,
        "conflict": conflict,
        "saved": saved,
        "errors": errors or [],
        "next_open": (path or _OpenPath(review, discipline_ids)).after(assessment),
        "file_url": requirement_file_url(
            assessment.requirement, review.order.number, user
        ),
    }


class _Rows:
    """Builds the rows of the review page's discipline groups."""

    def __init__(
        self,
        review: Review,
        discipline_ids: set[int],
        path: _OpenPath,
        user: Any,
        bound: dict[str, object] | None,
    ) -> None:
        self.review = review
        self.discipline_ids = discipline_ids
        self.path = path
        self.user = user
        self.bound = bound

    def group(
        self, group: selectors.DisciplineGroup, checks: dict[int, list[Any]]
    ) -> dict[str, Any]:
        rows, carried = [], []
        for assessment in group.assessments:
            if self.bound and self.bound["assessment"].pk == assessment.pk:
                row = self.bound
            else:
                row = _row(
                    assessment,
                    self.discipline_ids,
                    self.review,
                    path=self.path,
                    user=self.user,
                )
            # Carried-forward verdicts still hold: folded away so the page starts
            # with what needs a look, unless this row has something to report.
            fold = assessment.carried_from_id and row is not self.bound
            (carried if fold else rows).append(row)
        return {
            "group": group,
            "rows": rows,
            "carried_rows": carried,
            "checks": checks.get(group.discipline.pk, []),
        }

    def holds_bound(self, entries: list[dict[str, Any]]) -> bool:
        return self.bound is not None and any(
            row is self.bound for entry in entries for row in entry["rows"]
        )


def review_page(
    request: HttpRequest,
    review: Review,
    bound: dict[str, object] | None = None,
    bound_check: dict[str, Any] | None = None,
) -> HttpResponse:
    discipline_ids = selectors.discipline_ids_of(request.user)
    path = _OpenPath(review, discipline_ids)
    checks = check_rows_by_discipline(review, discipline_ids, bound_check)
    once, by_line = line_groups.review_sections(review)
    rowed = _Rows(review, discipline_ids, path, request.user, bound)
    groups = [rowed.group(group, checks) for group in once]
    lines_shown = []
    for line in by_line:
        entries = [rowed.group(group, {}) for group in line.disciplines]
        lines_shown.append(
            {
                "line": line,
                "groups": entries,
                "mine": line.open_for(discipline_ids),
                # Folded once nothing in it waits for this reviewer, unless a row
                # in it has something to report.
                "open": review.state == Review.State.OPEN
                and (line.open_for(discipline_ids) > 0 or rowed.holds_bound(entries)),
            }
        )
    everything = [*groups, *(g for line in lines_shown for g in line["groups"])]
    my_open = path.mine
    context = {
        "review": review,
        "groups": groups,
        "lines": lines_shown,
        "overdue": selectors.is_overdue(review),
        "pending": sum(g["group"].pending for g in everything),
        "statutory_pending": statutory.checks_pending(review),
        "my_open": my_open,
        "can_sign": review.state in (Review.State.OPEN, Review.State.SIGNING)
        and roles.has_role(request.user, roles.APPROVER),
        "confirmation_missing": review.state == Review.State.OPEN
        and services.confirmation_missing(review),
        # A change order's review shows what changed against the baseline, removed
        # requirements included (they have no slot, so this is their record).
        "diff": req_selectors.revision_diff(review.requirement_set)
        if review.requirement_set.number > 1
        else None,
        "reopened": sum(
            1
            for g in everything
            for row in g["rows"]
            if row["assessment"].reopened_because
        ),
        "carried": sum(len(g["carried_rows"]) for g in everything)
        + sum(
            1
            for g in everything
            for row in g["rows"]
            if row["assessment"].carried_from_id
        ),
    }
    # An order made from a quote: what differs from it, to resolve before signing.
    context["quote_differences"] = (
        differences_shown(review.requirement_set) if review.order.quote_id else None
    )
    return render(request, "reviews/review_detail.html", context)


MY_REVIEWS_PAGE = 50


@require_safe
@role_required(*roles.REVIEWING)
def my_reviews(request: HttpRequest) -> HttpResponse:
    after = requested_token(request)
    # Keyset pages of MY_REVIEWS_PAGE: as cheap with thousands open as with ten.
    page = keyset_page(
        selectors.reviews_for_reviewer(request.user), token=after, size=MY_REVIEWS_PAGE
    )
    context = {
        "today": timezone.localdate(),
        "reviews": page.rows,
        "after": after,
        "next_after": page.next_token,
        "awaiting_decision": list(
            selectors.reviews_awaiting_decision()[:MY_REVIEWS_PAGE]
        )
        if roles.has_role(request.user, roles.APPROVER)
        else None,
    }
    return render(request, "reviews/my_reviews.html", context)


@require_safe
@role_required(*roles.REVIEWING, read_only=roles.REVIEW_READERS)
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return review_page(request, selectors.review_get(pk))


@require_POST
@role_required(*roles.REVIEWING)
def assessment_save(request: HttpRequest, pk: int, assessment_pk: int) -> HttpResponse:
    """Save one verdict: the row partial for htmx, the whole page without JS."""
    review = selectors.review_get(pk)
    assessment = next(
        (a for a in review.assessments.all() if a.pk == assessment_pk), None
    )
    if assessment is None:
        raise Http404("No such assessment in this review.")
    if not services.assessment_is_assessable_by(assessment, request.user):
        raise PermissionDenied
    form = AssessmentForm(request.POST, prefix=f"a{assessment.pk}")
    conflict = ""
    saved = False
    errors: list[str] = []
    if form.is_valid():
        try:
            assessment = services.assessment_record(
                assessment=assessment,
                user=request.user,
                verdict=form.cleaned_data["verdict"],
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        except services.AssessmentConflict as error:
            conflict = error.messages[0]
            assessment = error.current
            # Keep what the reviewer typed, but let a deliberate second save win.
            data = request.POST.copy()
            data[f"a{assessment.pk}-version"] = str(assessment.version)
            form = AssessmentForm(data, prefix=f"a{assessment.pk}")
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error(None, error)
            else:
                errors = error.messages
        else:
            saved = True
            form = None
    if saved and not request.htmx:
        messages.success(request, f"Saved: {assessment}.")
        return redirect(
            f"{reverse('reviews:review_detail', args=[pk])}#a{assessment.pk}"
        )
    discipline_ids = selectors.discipline_ids_of(request.user)
    row = _row(
        assessment,
        discipline_ids,
        review,
        form,
        conflict,
        saved,
        errors,
        user=request.user,
    )
    if request.htmx:
        return render(request, "reviews/_assessment_row.html", {"row": row})
    return review_page(request, selectors.review_get(pk), bound=row)


@require_POST
@role_required(*roles.REVIEWING)
def assessment_reopen(
    request: HttpRequest, pk: int, assessment_pk: int
) -> HttpResponse:
    """Re-open a carried-forward verdict of the reviewer's discipline, with a reason."""
    review = selectors.review_get(pk)
    assessment = next(
        (a for a in review.assessments.all() if a.pk == assessment_pk), None
    )
    if assessment is None:
        raise Http404("No such assessment in this review.")
    if not services.assessment_is_assessable_by(assessment, request.user):
        raise PermissionDenied
    form = ReopenForm(request.POST, prefix=f"r{assessment.pk}")
    errors: list[str] = []
    if form.is_valid():
        try:
            assessment = services.assessment_reopen(
                assessment=assessment,
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form_errors_add(form, error)
            else:
                errors = error.messages
        else:
            messages.success(request, f"Re-opened: {assessment}.")
            return redirect(
                f"{reverse('reviews:review_detail', args=[pk])}#a{assessment.pk}"
            )
    row = _row(
        assessment,
        selectors.discipline_ids_of(request.user),
        review,
        errors=errors,
        user=request.user,
        reopen_form=form,
    )
    return review_page(request, selectors.review_get(pk), bound=row)


def _seen_content(form: DecisionForm) -> dict[str, Any] | None:
    """The content the sign page showed, when the form carries it intact."""
    try:
        content = json.loads(form.data.get("content") or "null")
    except ValueError:
        return None
    if not isinstance(content, dict):
        return None
    if signing.content_hash(content) != form.data.get("content_hash"):
        return None
    return content


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(roles.APPROVER)
def decision_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign what is shown: the page carries the content to sign and its hash, and
    a signature over content that changed since is refused with the differences."""
    review = selectors.review_get(pk)
    content_review = selectors.review_for_content(pk)
    to_sign = signing.review_content_to_sign(content_review)
    # An acceptance an approval rule holds is countersigned: no second outcome.
    countersign = review.state == Review.State.SIGNING
    form = DecisionForm(request.POST or None)
    changes: list[ContentDifference] = []
    if request.method == "POST" and form.is_valid():
        try:
            if countersign:
                countersigning.decision_countersign(
                    review=review,
                    signer=request.user,
                    password=form.cleaned_data["password"],
                    request=request,
                    seen_content_hash=form.cleaned_data["content_hash"],
                )
            else:
                services.decision_sign(
                    review=review,
                    signer=request.user,
                    outcome=form.cleaned_data["outcome"],
                    reasons=form.cleaned_data["reasons"],
                    password=form.cleaned_data["password"],
                    request=request,
                    seen_content_hash=form.cleaned_data["content_hash"],
                )
        except services.SignedContentChanged as error:
            form.add_error(None, error)
            to_sign = error.current
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Read again: review_get's decision was read as missing before signing.
            signed = Review.objects.select_related("decision").get(pk=review.pk)
            still = "; ".join(countersigning.awaiting(signed))
            text = f" It awaits further approvers: {still}" if still else ""
            messages.success(request, f"Decision signed.{text}")
            return redirect(
                "reviews:acceptance_record",
                number=review.order.number,
                revision=review.requirement_set.number,
            )
    if form.is_bound:
        seen = _seen_content(form)
        if seen is not None and signing.content_hash(seen) != signing.content_hash(
            to_sign
        ):
            changes = [
                record.readable(difference)
                for difference in content_differences(seen, to_sign)
            ]
        # The hidden fields always describe what this page shows now.
        form.data = form.data.copy()
        form.data["content"] = signing.canonical_json(to_sign)
        form.data["content_hash"] = signing.content_hash(to_sign)
    else:
        form.initial = {
            "content": signing.canonical_json(to_sign),
            "content_hash": signing.content_hash(to_sign),
        }
    context = {
        "review": review,
        "form": form,
        "to_sign": to_sign,
        "rows": record.record_rows(to_sign, _discipline_names(review)),
        "statutory": record.statutory_rows(to_sign, _discipline_names(review)),
        "content_hash": signing.content_hash(to_sign),
        "changes": changes,
        "accept_blockers": []
        if countersign
        else services.decision_blockers(review, Decision.Outcome.ACCEPT),
        "countersign": countersign,
        "awaiting": countersigning.awaiting(review),
        "signed_so_far": selectors.record_signatures(review) if countersign else [],
        "rules_preview": approval.progress(approval.rules_applying(content_review), [])
        if review.state == Review.State.OPEN
        else [],
        "confirmation_missing": services.confirmation_missing(review),
        "confirmation": confirmation_shown(to_sign, review),
        "self_approval": services.self_approval(review, request.user),
        "outstanding_acknowledgements": req_selectors.notifications_outstanding(
            review.requirement_set
        ),
        "acknowledgements_block": settings.CHANGE_ACKNOWLEDGEMENTS_BLOCK_SIGNING,
    }
    return render(request, "reviews/decision_sign.html", context)


def _discipline_names(review: Review) -> dict[str, str]:
    slots = [*review.assessments.all(), *review.statutory_checks.all()]
    return {slot.discipline.slug: slot.discipline.name for slot in slots}


@require_safe
@role_required(roles.APPROVER, read_only=roles.AUDITORS)
def signatures_verify(request: HttpRequest) -> HttpResponse:
    disposed = record.disposed_orders()
    context = {
        "report": selectors.chain_report(),
        "content_problems": list(record.content_problems()),
        "disposed_notes": list(disposed.values()),
        "signatures": selectors.latest_signatures(),
    }
    return render(request, "reviews/signatures_verify.html", context)
