"""Managing the catalog's claims: form admins keep them, auditors read them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from communications import catalog_claims as services
from communications import claim_selectors as selectors
from communications.forms import CatalogClaimForm
from communications.models import CatalogClaim
from orderreview.downloads import file_download
from orderreview.forms import form_errors_add
from orderreview.roles import AUDITORS, FORM_ADMIN, role_required


@require_safe
@role_required(FORM_ADMIN, read_only=AUDITORS)
def claim_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "communications/claim_list.html",
        {"claims": list(selectors.claims_all()), "today": timezone.localdate()},
    )


def _claim_page(
    request: HttpRequest, form: CatalogClaimForm, claim: CatalogClaim | None
) -> HttpResponse:
    return render(
        request,
        "communications/claim_form.html",
        {"form": form, "claim": claim, "today": timezone.localdate()},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(FORM_ADMIN, read_only=AUDITORS)
def claim_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    claim = (
        get_object_or_404(CatalogClaim.objects.select_related("offering"), pk=pk)
        if pk is not None
        else None
    )
    if request.method != "POST":
        initial = (
            {
                "offering": claim.offering_id,
                "statement": claim.statement,
                "valid_until": claim.valid_until,
            }
            if claim
            else {"offering": request.GET.get("offering")}
        )
        return _claim_page(request, CatalogClaimForm(initial=initial), claim)
    form = CatalogClaimForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            saved = services.claim_save(
                claim=claim, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request, "Claim saved. It shows in the catalog once approved."
            )
            return redirect(saved)
    if request.FILES.get("evidence") and "evidence" not in form.errors:
        # Browsers never keep a chosen file when a page is shown again: say so.
        form.add_error(
            "evidence", "Choose the file again once the other fields are corrected."
        )
    return _claim_page(request, form, claim)


@require_POST
@role_required(FORM_ADMIN)
def claim_approve(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(CatalogClaim, pk=pk)
    try:
        services.claim_approve(
            claim=claim, user=request.user, seen=request.POST.get("seen", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Approved: the catalog shows it until it expires.")
    return redirect(claim)


@require_POST
@role_required(FORM_ADMIN)
def claim_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(CatalogClaim, pk=pk)
    try:
        services.claim_withdraw(claim=claim, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Withdrawn: the catalog no longer shows it.")
    return redirect(claim)


@require_safe
@role_required(FORM_ADMIN, read_only=AUDITORS)
def claim_evidence(request: HttpRequest, pk: int) -> FileResponse:
    claim = get_object_or_404(CatalogClaim, pk=pk)
    try:
        handle = claim.evidence.open("rb")
    except FileNotFoundError:
        raise Http404("The evidence is missing from storage.") from None
    return file_download(
        handle, filename=claim.evidence_name, content_type=claim.evidence_type
    )
