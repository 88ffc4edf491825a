"""The integrations admin's webhook pages; auditors read them (secrets hidden)."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from orderreview.forms import form_errors_add
from orderreview.roles import AUDITORS, INTEGRATIONS_ADMIN, has_role, role_required
from webhooks import selectors, services
from webhooks.forms import EndpointForm
from webhooks.models import WebhookEndpoint


def _can_change(request: HttpRequest) -> bool:
    return has_role(request.user, INTEGRATIONS_ADMIN)


@require_safe
@role_required(INTEGRATIONS_ADMIN, read_only=AUDITORS)
def endpoint_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "webhooks/endpoint_list.html",
        {"endpoints": selectors.endpoints_all(), "can_change": _can_change(request)},
    )


@role_required(INTEGRATIONS_ADMIN)
def endpoint_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk) if pk is not None else None
    if request.method == "POST":
        form = EndpointForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                endpoint = services.endpoint_save(
                    endpoint=endpoint,
                    user=request.user,
                    url=data["url"],
                    description=data["description"],
                    events=data["events"],
                    customer=data["customer_code"],
                    active=data["active"],
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, "Webhook endpoint saved.")
                return redirect(endpoint)
    elif request.method == "GET":
        form = EndpointForm.for_endpoint(endpoint) if endpoint else EndpointForm()
    else:
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    return render(
        request, "webhooks/endpoint_form.html", {"form": form, "endpoint": endpoint}
    )


@require_safe
@role_required(INTEGRATIONS_ADMIN, read_only=AUDITORS)
def endpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(
        WebhookEndpoint.objects.select_related("customer", "created_by"), pk=pk
    )
    after = request.GET.get("after", "")
    return render(
        request,
        "webhooks/endpoint_detail.html",
        {
            "endpoint": endpoint,
            "page": selectors.endpoint_deliveries(endpoint, after=after),
            "counts": selectors.endpoint_counts(endpoint),
            "can_change": _can_change(request),
            "query": "",
        },
    )


@role_required(INTEGRATIONS_ADMIN)
def endpoint_delete(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    if request.method == "POST":
        services.endpoint_delete(endpoint=endpoint, user=request.user)
        messages.success(request, "Webhook endpoint deleted.")
        return redirect("webhooks:endpoint_list")
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    return render(request, "webhooks/endpoint_delete.html", {"endpoint": endpoint})


@require_POST
@role_required(INTEGRATIONS_ADMIN)
def secret_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    services.secret_rotate(endpoint=endpoint, user=request.user)
    messages.success(
        request,
        "New secret made: deliveries from now on are signed with it. "
        "Give it to the receiving system.",
    )
    return redirect(endpoint)


@require_POST
@role_required(INTEGRATIONS_ADMIN)
def endpoint_ping(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    delivery = services.ping_queue(endpoint=endpoint, user=request.user)
    messages.success(request, "Test ping queued: the worker sends it shortly.")
    return redirect(delivery)


@require_safe
@role_required(INTEGRATIONS_ADMIN, read_only=AUDITORS)
def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_with_log(pk)
    if delivery is None:
        raise Http404
    return render(
        request,
        "webhooks/delivery_detail.html",
        {
            "delivery": delivery,
            "endpoint": delivery.endpoint,
            "payload": json.dumps(delivery.payload, indent=2, sort_keys=True),
            "attempts": delivery.attempt_log.all(),
            "can_change": _can_change(request),
        },
    )


@require_POST
@role_required(INTEGRATIONS_ADMIN)
def delivery_resend(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_with_log(pk)
    if delivery is None:
        raise Http404
    try:
        again = services.delivery_resend(delivery=delivery, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(delivery)
    messages.success(request, "Re-send queued: the worker sends it shortly.")
    return redirect(again)
