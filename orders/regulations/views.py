"""The register's pages: form admins keep it, auditors read it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from orderreview.forms import form_errors_add
from orderreview.roles import AUDITORS, FORM_ADMIN, role_required
from orders.regulations import selectors, services
from orders.regulations.forms import StatutoryRequirementForm
from orders.regulations.models import StatutoryRequirement


@require_safe
@role_required(FORM_ADMIN, read_only=AUDITORS)
def register_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "orders/regulations/register_list.html",
        {"entries": list(selectors.register_all())},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(FORM_ADMIN, read_only=AUDITORS)
def register_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    entry = (
        get_object_or_404(
            StatutoryRequirement.objects.select_related("discipline"), pk=pk
        )
        if pk is not None
        else None
    )
    if request.method != "POST":
        form = StatutoryRequirementForm(instance=entry)
    else:
        form = StatutoryRequirementForm(request.POST, instance=entry)
        if form.is_valid():
            try:
                saved = services.register_save(
                    entry=entry, user=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(
                    request, f"Saved: {saved.reference}. New reviews use it from now."
                )
                return redirect("regulations:register_list")
    return render(
        request,
        "orders/regulations/register_form.html",
        {"form": form, "entry": entry},
    )


@require_POST
@role_required(FORM_ADMIN)
def register_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(StatutoryRequirement, pk=pk)
    try:
        services.register_withdraw(entry=entry, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Withdrawn: {entry.reference} applies to no new review. Reviews that "
            "confirmed it keep their checks.",
        )
    return redirect(entry)
