"""Customer pages (customer service; auditors read). A customer's page shows their
orders and the communications on file (pages.selectors)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import (
    require_http_methods,
    require_safe,
)

from orderreview import roles
from orderreview.forms import form_errors_add
from orderreview.pagination import keyset_page, requested_token
from orderreview.roles import role_required
from orders import selectors, services
from orders.forms import (
    CustomerForm,
    CustomerSearchForm,
)
from orders.models import Customer
from pages import selectors as page_selectors

CS = roles.CUSTOMER_SERVICE
PAGE_SIZE = 50


# --- customers -------------------------------------------------------------------


@require_safe
@role_required(CS, read_only=roles.AUDITORS)
def customer_list(request: HttpRequest) -> HttpResponse:
    search = CustomerSearchForm(request.GET)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    page = keyset_page(
        selectors.customers_search(q), token=requested_token(request), size=PAGE_SIZE
    )
    context = {"search": search, "page": page, "q": q, "query": urlencode({"q": q})}
    return render(request, "orders/customer_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(CS)
def customer_new(request: HttpRequest) -> HttpResponse:
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(
                user=request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, f"Customer {customer.name} created.")
            return redirect(customer)
    return render(request, "orders/customer_form.html", {"form": form})


@require_safe
@role_required(CS, read_only=roles.AUDITORS)
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    return render(
        request,
        "orders/customer_detail.html",
        {
            "customer": customer,
            **page_selectors.customer_panels(customer, request.user),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(CS)
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(
                customer=customer, user=request.user, data=form.cleaned_data
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, "Customer saved.")
            return redirect(customer)
    return render(
        request, "orders/customer_form.html", {"form": form, "customer": customer}
    )
