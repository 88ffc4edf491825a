"""The acceptance record of a revision, as a page and as a PDF: what was signed,
who signed it, and whether today's rows still say the same."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from orderreview import roles
from orderreview.roles import role_required
from orders.orderforms import line_groups
from requirements import selectors as req_selectors
from reviews import agreement_selectors, approval, pdf, record, selectors
from reviews.models import Review
from reviews.page_views import requirement_file_url
from reviews.record_confirmation import confirmation_shown


def record_context(review: Review, user: Any) -> dict[str, object]:
    """What the record page, its PDF and the API show of a review's record."""
    signatures = selectors.record_signatures(review)
    shown = record.record_content(
        review, signatures[0].signature if signatures else None
    )
    files = {
        r.key: requirement_file_url(r, review.order.number, user)
        for r in review.requirement_set.requirements.all()
    }
    rows = [{"row": row, "file_url": files.get(row.key, "")} for row in shown.rows]
    return {
        "review": review,
        "order": review.order,
        "revision": review.requirement_set,
        "record": shown,
        "rows": rows,
        # What is asked once, then one group per line ("Line 3"): an order of 200
        # lines reads line by line, by discipline within each.
        "row_groups": line_groups.by_line(
            rows,
            key=lambda item: item["row"].key,
            statement=lambda item: item["row"].statement,
        ),
        "decision": getattr(review, "decision", None),
        "decision_wording": record.decision_wording(
            review.order, getattr(review, "decision", None)
        ),
        "agreement": agreement_selectors.agreement_of_review(review),
        "signatures": signatures,
        "chain_failures": selectors.record_chain_failures(review, signatures),
        "acknowledgements": _acknowledgements_at_signing(review, signatures),
        # The approval rules as they were at the latest signature (None: signed
        # before rules existed, or not signed yet).
        "approval": approval.record_rules(signatures),
        "confirmation": confirmation_shown(shown.content, review),
        # Verified only when the hashes hold and today's rows still say what was
        # signed, apart from legitimate edits history explains.
        "content_intact": not shown.unexplained_changes,
    }


def _acknowledgements_at_signing(
    review: Review, signatures: list[Any]
) -> list[req_selectors.AcknowledgementAtSigning]:
    """Who had acknowledged the change when its decision was signed (nothing to
    show before it is signed; a first revision tells nobody, so it is not read)."""
    if not signatures or review.requirement_set.number == 1:
        return []
    signed_at = signatures[0].signature.signed_at
    return req_selectors.acknowledgements_at(review.requirement_set, signed_at)


def record_pdf(review: Review, user: Any) -> bytes:
    """The record as a PDF (the page's download and the API's)."""
    # The chain head when printed: a copy of it kept outside the database.
    context = {**record_context(review, user), "chain_head": selectors.chain_head()}
    return pdf.acceptance_record_pdf(context)


@require_safe
@role_required(*roles.REVIEWING, read_only=roles.REVIEW_READERS)
def acceptance_record(request: HttpRequest, number: str, revision: int) -> HttpResponse:
    review = selectors.review_for_record(number, revision)
    return render(
        request, "reviews/acceptance_record.html", record_context(review, request.user)
    )


@require_safe
@role_required(*roles.REVIEWING, read_only=roles.REVIEW_READERS)
def acceptance_record_pdf(
    request: HttpRequest, number: str, revision: int
) -> HttpResponse:
    review = selectors.review_for_record(number, revision)
    content = record_pdf(review, request.user)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"{number}-rev{revision}-acceptance-record.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
