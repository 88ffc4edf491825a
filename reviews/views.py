"""Reviewing, signing and the acceptance record."""

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
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
from orders.orderforms import lines
from requirements import selectors as req_selectors
from reviews import (
    approval,
    countersigning,
    page_views,
    record,
    selectors,
    services,
    signing,
)
from reviews.content_differences import ContentDifference, content_differences
from reviews.forms import AssessmentForm, DecisionForm, ReopenForm
from reviews.line_counts import ROW_RELATED
from reviews.models import Assessment, Decision, Review
from reviews.page_views import review_page
from reviews.record_confirmation import confirmation_shown

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


@require_POST
@role_required(*roles.REVIEWING)
def assessment_save(request: HttpRequest, pk: int, assessment_pk: int) -> HttpResponse:
    """Save one verdict: the row partial for htmx, the whole page without JS."""
    review = selectors.review_get(pk, with_assessments=False)
    assessment = _slot_get(review, assessment_pk)
    if not services.assessment_is_assessable_by(assessment, request.user):
        raise PermissionDenied
    was_open = not assessment.verdict
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
        return redirect(page_views.row_url(assessment))
    line = lines.line_of_key(assessment.requirement.key)
    path, counts = page_views.path_of(review, request.user, [line])
    row = page_views.row_of(
        assessment,
        path,
        form=form,
        conflict=conflict,
        saved=saved,
        errors=errors,
        user=request.user,
    )
    if request.htmx:
        return page_views.saved_row_response(
            request, row, counts, was_open=was_open and saved
        )
    return review_page(request, _page_review(pk), bound=row)


@require_POST
@role_required(*roles.REVIEWING)
def assessment_reopen(
    request: HttpRequest, pk: int, assessment_pk: int
) -> HttpResponse:
    """Re-open a carried-forward verdict of the reviewer's discipline, with a reason."""
    review = selectors.review_get(pk, with_assessments=False)
    assessment = _slot_get(review, assessment_pk)
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
            return redirect(page_views.row_url(assessment))
    line = lines.line_of_key(assessment.requirement.key)
    path, _counts = page_views.path_of(review, request.user, [line])
    row = page_views.row_of(
        assessment, path, errors=errors, user=request.user, reopen_form=form
    )
    return review_page(request, _page_review(pk), bound=row)


def _page_review(pk: int) -> Review:
    return selectors.review_get(pk, with_assessments=False)


def _slot_get(review: Review, pk: int) -> Assessment:
    """One slot of the review with what its row shows, or 404."""
    assessment = review.assessments.select_related(*ROW_RELATED).filter(pk=pk).first()
    if assessment is None:
        raise Http404("No such assessment in this review.")
    return assessment


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
