"""Disposal pages: records controllers ask, another approves or refuses, then it
is carried out after a confirmation page; auditors and approvers read them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from audit import disposal as services
from audit import disposal_plan as selectors
from audit.disposal_forms import DisposalRefusalForm, DisposalRequestForm
from audit.models import Disposal
from orderreview.forms import form_errors_add
from orderreview.roles import AUDIT_READERS, RECORDS_CONTROLLER, has_role, role_required


def _disposal_or_404(pk: int) -> Disposal:
    disposal = selectors.disposal_get(pk)
    if disposal is None:
        raise Http404("No such disposal.")
    return disposal


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(RECORDS_CONTROLLER)
def disposal_request(
    request: HttpRequest, record_type: str, object_id: int
) -> HttpResponse:
    record = selectors.record_get(record_type, object_id)
    if record is None:
        raise Http404("No such record.")
    form = DisposalRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            disposal = services.disposal_request(
                record_type=record_type,
                record_id=record.pk,
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request, "Disposal requested: another records controller decides it."
            )
            return redirect(disposal)
    context = {
        "form": form,
        "record": record,
        "plan": selectors.disposal_plan(record_type, record),
        "refusal": selectors.disposal_refusal(record_type, record),
    }
    return render(request, "audit/disposal_request.html", context)


def _detail(
    request: HttpRequest, disposal: Disposal, refusal_form: DisposalRefusalForm
) -> HttpResponse:
    controller = has_role(request.user, RECORDS_CONTROLLER)
    pending = disposal.state == Disposal.State.REQUESTED
    context = {
        "disposal": disposal,
        "plan": (
            None
            if disposal.state == Disposal.State.DISPOSED
            else selectors.disposal_plan(disposal.record_type, disposal.record)
        ),
        "can_decide": controller
        and pending
        and disposal.requested_by_id != request.user.pk,
        "own_request": pending and disposal.requested_by_id == request.user.pk,
        "can_execute": controller and disposal.state == Disposal.State.APPROVED,
        "refusal_form": refusal_form,
    }
    return render(request, "audit/disposal_detail.html", context)


@require_safe
@role_required(RECORDS_CONTROLLER, *AUDIT_READERS)
def disposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The request, and before it is carried out exactly what it would remove and
    keep: the page another records controller approves or refuses it on."""
    return _detail(request, _disposal_or_404(pk), DisposalRefusalForm())


@require_POST
@role_required(RECORDS_CONTROLLER)
def disposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    disposal = _disposal_or_404(pk)
    form = DisposalRefusalForm(request.POST)
    try:
        if request.POST.get("decision") == "approve":
            services.disposal_approve(disposal=disposal, user=request.user)
            messages.success(request, "Approved: it can now be carried out.")
        elif form.is_valid():
            services.disposal_refuse(
                disposal=disposal,
                user=request.user,
                reason=form.cleaned_data["refusal_reason"],
            )
            messages.success(request, "Refused: the record is kept.")
        else:
            return _detail(request, disposal, form)
    except ValidationError as error:
        form = DisposalRefusalForm(request.POST)
        form.is_valid()
        form_errors_add(form, error)
        return _detail(request, _disposal_or_404(pk), form)
    return redirect(disposal)


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(RECORDS_CONTROLLER)
def disposal_execute(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the last confirmation, saying what goes and what stays. POST: do it."""
    disposal = _disposal_or_404(pk)
    error = None
    if request.method == "POST":
        try:
            services.disposal_execute(disposal=disposal, user=request.user)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, "Disposed of. The disposal record is kept.")
            return redirect(disposal)
    if disposal.state != Disposal.State.APPROVED and error is None:
        error = (
            "Only an approved disposal is carried out; this one is "
            f"{disposal.get_state_display().lower()}."
        )
    context = {
        "disposal": disposal,
        "plan": (
            None
            if disposal.state == Disposal.State.DISPOSED
            else selectors.disposal_plan(disposal.record_type, disposal.record)
        ),
        "error": error,
    }
    return render(request, "audit/disposal_execute.html", context)
