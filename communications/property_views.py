"""The customer-property register's pages: customer service keeps it, auditors
read it. An item's page carries its actions; a refused one shows the page again
with the message next to the field and everything typed kept."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from communications import customer_property as services
from communications import property_selectors as selectors
from communications.models import CustomerProperty
from communications.property_forms import (
    ProblemCloseForm,
    ProblemReportForm,
    PropertyFilterForm,
    PropertyMoveForm,
    PropertyReceiveForm,
    PropertyReleaseForm,
)
from orderreview import idempotency
from orderreview.forms import form_errors_add
from orderreview.pagination import keyset_page, requested_token
from orderreview.roles import (
    AUDITORS,
    CUSTOMER_SERVICE,
    ORDER_OPENERS,
    has_role,
    role_required,
)
from orders.models import Order

PAGE_SIZE = 50


@require_safe
@role_required(CUSTOMER_SERVICE, read_only=AUDITORS)
def property_list(request: HttpRequest) -> HttpResponse:
    filters = PropertyFilterForm(request.GET)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    page = keyset_page(
        selectors.property_filtered(cleaned),
        token=requested_token(request),
        size=PAGE_SIZE,
    )
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "communications/property_list.html",
        {"filters": filters, "page": page, "query": query.urlencode()},
    )


def _receive_initial(request: HttpRequest) -> dict:
    """Pre-fill from the order page's "record customer property" link."""
    # PostgreSQL refuses NUL in text: such a link pre-fills nothing.
    number = request.GET.get("order", "").replace("\x00", "")[:30]
    order = Order.objects.filter(number=number).first() if number else None
    if order is None:
        return {}
    if order.customer_to_confirm:  # still the catalog placeholder: staff choose
        return {"order": order.number}
    return {"order": order.number, "customer": order.customer_id}


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(CUSTOMER_SERVICE)
def property_new(request: HttpRequest) -> HttpResponse:
    form = PropertyReceiveForm(
        request.POST if request.method == "POST" else None,
        initial=_receive_initial(request),
    )
    # A second press of Save (or a reload of the POST) must not register it twice.
    if replayed := idempotency.replayed_url(request):
        return redirect(replayed)
    if request.method == "POST" and form.is_valid():

        def receive() -> str:
            item = services.property_receive(user=request.user, **form.cleaned_data)
            messages.success(request, f"{item.description} is in the register.")
            return item.get_absolute_url()

        try:
            return redirect(idempotency.once(request, receive))
        except ValidationError as error:
            form_errors_add(form, error)
    return render(request, "communications/property_form.html", {"form": form})


def _item_or_404(pk: int) -> CustomerProperty:
    try:
        return selectors.property_detail(pk)
    except CustomerProperty.DoesNotExist:
        raise Http404("No such item") from None


def _detail_page(
    request: HttpRequest, item: CustomerProperty, **bound: forms.Form
) -> HttpResponse:
    """The item's page with its action forms; `bound` replaces the one just posted."""
    context = {
        "item": item,
        "move_form": PropertyMoveForm(initial={"location": item.location}),
        "release_form": PropertyReleaseForm(),
        "problem_form": ProblemReportForm(),
        "close_form": ProblemCloseForm(),
        "can_open_order": has_role(request.user, *ORDER_OPENERS),
    }
    context.update(bound)
    return render(request, "communications/property_detail.html", context)


@require_safe
@role_required(CUSTOMER_SERVICE, read_only=AUDITORS)
def property_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _item_or_404(pk))


def _act(
    request: HttpRequest,
    pk: int,
    form_name: str,
    form: forms.Form,
    action: object,
    done: str,
) -> HttpResponse:
    """Run one action of the item page: success redirects to the item, a refusal
    shows the page again with the posted form and its errors (HTTP 200)."""
    item = _item_or_404(pk)
    if form.is_valid():
        try:
            action(item=item, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form_errors_add(form, error)
            else:
                # About the item, not a field (its form may not even be shown now).
                messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, done)
            return redirect(item)
    return _detail_page(request, _item_or_404(pk), **{form_name: form})


@require_POST
@role_required(CUSTOMER_SERVICE)
def property_move(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "move_form",
        PropertyMoveForm(request.POST),
        services.property_move,
        "Location saved.",
    )


@require_POST
@role_required(CUSTOMER_SERVICE)
def property_release(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "release_form",
        PropertyReleaseForm(request.POST),
        services.property_release,
        "Recorded.",
    )


@require_POST
@role_required(CUSTOMER_SERVICE)
def property_problem(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "problem_form",
        ProblemReportForm(request.POST),
        services.property_problem_report,
        "Problem recorded, with the report to the customer on file.",
    )


@require_POST
@role_required(CUSTOMER_SERVICE)
def property_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "close_form",
        ProblemCloseForm(request.POST),
        services.property_problem_close,
        "Problem closed.",
    )
