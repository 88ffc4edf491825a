"""The auditor's workspace: read-only pages for auditors (and approvers).

Every view is GET-only: auditors change nothing, and a POST gets 405.
"""

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from audit import disposal_plan, export, history, retention, selectors, signatures
from audit.forms import AsOfForm, TimelineFilterForm
from audit.registry import model_by_label, order_path
from orderreview.roles import (
    APPROVER,
    AUDITOR,
    RECORDS_CONTROLLER,
    RETENTION_READERS,
    has_role,
    role_required,
)
from orderreview.urlfill import url_filler

PAGE_SIZE = 50


@role_required(AUDITOR, APPROVER)
@require_safe
def timeline(request: HttpRequest) -> HttpResponse:
    form = TimelineFilterForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid():
        page = selectors.timeline_page(
            form.timeline_filter(), cursor=form.cleaned_data["before"], size=PAGE_SIZE
        )
    elif not form.is_bound:
        page = selectors.timeline_page(selectors.TimelineFilter(), size=PAGE_SIZE)
    if page is not None:
        history_url = url_filler("audit:object_history", 2)
        as_of_url = url_filler("audit:order_as_of")
        for row in page.rows:
            row.history_url = history_url(row.model_label, row.object_id)
            if row.order_number:
                row.as_of_url = as_of_url(row.order_number)
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "audit/timeline.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@role_required(AUDITOR, APPROVER)
@require_safe
def timeline_export(request: HttpRequest) -> HttpResponse:
    form = TimelineFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "audit/timeline.html",
            {"form": form, "page": None, "query": ""},
        )
    flt = form.timeline_filter() if form.is_bound else selectors.TimelineFilter()
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(
        export.timeline_csv(flt), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="timeline-{stamp}.csv"'
    return response


@role_required(AUDITOR, APPROVER)
@require_safe
def object_history(request: HttpRequest, model: str, object_id: int) -> HttpResponse:
    tracked = model_by_label(model)
    if tracked is None:
        raise Http404("No such record type.")
    entries = history.object_history(tracked, object_id)
    if not entries:
        raise Http404("No history for that record.")
    latest = entries[0].record
    context = {
        "model_label": tracked._meta.label_lower,
        "model_name": str(tracked._meta.verbose_name).capitalize(),
        "object_id": object_id,
        "entries": entries,
        "latest": latest,
        "order_number": getattr(latest, "number", None)
        if order_path(tracked) == ()
        else None,
    }
    return render(request, "audit/object_history.html", context)


@role_required(AUDITOR, APPROVER)
@require_safe
def order_as_of(request: HttpRequest, number: str) -> HttpResponse:
    order_id = selectors.order_id_for_number(number)
    if order_id is None:
        raise Http404("No such order.")
    now = timezone.now().replace(microsecond=0)
    form = AsOfForm(request.GET or None, initial={"at": now})
    snapshot = None
    if form.is_bound and form.is_valid():
        snapshot = history.order_as_of(order_id, form.cleaned_data["at"])
    context = {"number": number, "form": form, "snapshot": snapshot}
    return render(request, "audit/order_as_of.html", context)


@role_required(AUDITOR, APPROVER)
@require_safe
def signature_chain(request: HttpRequest) -> HttpResponse:
    context = {"report": signatures.chain_report()}
    return render(request, "audit/signature_chain.html", context)


@role_required(*RETENTION_READERS)
@require_safe
def retention_report(request: HttpRequest) -> HttpResponse:
    groups = retention.retention_report()
    disposal_plan.disposals_attach(groups)
    context = {
        "groups": groups,
        "shown": retention.SHOWN,
        "can_request": has_role(request.user, RECORDS_CONTROLLER),
    }
    return render(request, "audit/retention.html", context)
