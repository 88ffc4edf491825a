"""Quotes: an order made from a reviewed quote."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from orderreview import idempotency, roles
from orderreview.forms import form_errors_add
from orderreview.roles import role_required
from orders.models import Order
from pages.order_views import order_or_404
from pages.quote_forms import (
    DifferenceAcceptForm,
    DifferenceAgreeForm,
    OrderFromQuoteForm,
    QuoteRenewForm,
)
from pages.quote_resolutions import difference_agree_record
from requirements import quote_differences, quotes
from requirements.models import QuoteDifference


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(roles.CUSTOMER_SERVICE)
def order_from_quote(request: HttpRequest, number: str) -> HttpResponse:
    """The customer's order for a reviewed quote: a draft whose requirements are
    the quote's, for customer service to enter what was actually ordered."""
    quote = order_or_404(number)
    refusal = quotes.quote_convertible(quote)
    accepted = _customer_accepted(quote)
    form = OrderFromQuoteForm(request.POST or None, quote=quote)
    if replayed := idempotency.replayed_url(request):
        return redirect(replayed)
    if request.method == "POST" and not refusal and form.is_valid():

        def create() -> str:
            revision = quotes.order_from_quote(
                user=request.user, quote=quote, **form.cleaned_data
            )
            number = revision.order.number
            messages.success(
                request,
                f"Draft {number} made from quote {quote.number} ({accepted}). Enter "
                "what the customer ordered over the quote's requirements.",
            )
            return reverse("orders:order_edit", args=[number])

        try:
            return redirect(idempotency.once(request, create))
        except ValidationError as error:
            form_errors_add(form, error)
    return render(
        request,
        "orders/order_from_quote.html",
        {"quote": quote, "form": form, "refusal": refusal, "accepted": accepted},
    )


def _customer_accepted(quote: Order) -> str:
    """Whether the customer accepted the quote's reviewed revision through its link,
    as the page and the message say it."""
    reviewed = (
        quote_differences.quote_reviewed_revision(quote) if quote.is_quote else None
    )
    acceptance = getattr(reviewed, "customer_acceptance", None) if reviewed else None
    if acceptance is None:
        return "not accepted by the customer through the quote link"
    when = timezone.localtime(acceptance.accepted_at)
    return (
        f"accepted by the customer: {acceptance.accepted_by_name}, "
        f"{when:%Y-%m-%d %H:%M}, revision {reviewed.number}"
    )


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(roles.CUSTOMER_SERVICE, *roles.REVIEWING)
def quote_difference(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """Resolve one difference of an order from its quote: customer service records
    the customer's agreement (filed as a communication), or a reviewer of its
    discipline accepts it with a reason."""
    order = order_or_404(number)
    difference = get_object_or_404(
        QuoteDifference.objects.select_related(
            "revision", "discipline", "resolved_by", "communication"
        ),
        pk=pk,
        revision__order=order,
    )
    action = request.POST.get("action") if request.method == "POST" else None
    now = timezone.localtime().replace(second=0, microsecond=0)
    agree = DifferenceAgreeForm(
        request.POST if action == "agree" else None, initial={"agreed_at": now}
    )
    accept = DifferenceAcceptForm(request.POST if action == "accept" else None)
    may_agree = roles.has_role(request.user, roles.CUSTOMER_SERVICE)
    may_accept = roles.has_role(request.user, *roles.REVIEWING)
    if action == "agree" and may_agree and agree.is_valid():
        data = agree.cleaned_data
        try:
            difference_agree_record(difference=difference, user=request.user, **data)
        except ValidationError as error:
            form_errors_add(agree, _renamed(error))
        else:
            messages.success(request, "Recorded: the customer agreed.")
            return redirect(order)
    elif action == "accept" and may_accept and accept.is_valid():
        try:
            quote_differences.difference_accept(
                difference=difference,
                user=request.user,
                reason=accept.cleaned_data["reason"],
            )
        except ValidationError as error:
            form_errors_add(accept, error)
        else:
            messages.success(request, "Difference accepted.")
            return redirect(order)
    elif action and not (may_agree if action == "agree" else may_accept):
        messages.error(request, "Your role cannot resolve it this way.")
    context = {
        "order": order,
        "difference": difference,
        "agree": agree if may_agree else None,
        "accept": accept if may_accept else None,
    }
    return render(request, "orders/quote_difference.html", context)


def _renamed(error: ValidationError) -> ValidationError:
    """The communication service's errors under the agreement form's names."""
    if not hasattr(error, "error_dict"):
        return error
    names = {"occurred_at": "agreed_at", "communication": None}
    return ValidationError(
        {
            names.get(key, key) or "__all__": messages
            for key, messages in error.error_dict.items()
        }
    )


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(roles.CUSTOMER_SERVICE)
def quote_renew(request: HttpRequest, number: str) -> HttpResponse:
    """Renew a reviewed quote: a new validity date and a new revision, reviewed
    again before an order is made from it."""
    quote = order_or_404(number)
    refusal = quotes.quote_convertible(quote)
    form = QuoteRenewForm(request.POST or None)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            revision = quotes.quote_renew(
                quote=quote, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request,
                f"Quote {quote.number} renewed: revision {revision.number} is "
                "reviewed again.",
            )
            return redirect(quote)
    return render(
        request,
        "orders/quote_renew.html",
        {"quote": quote, "form": form, "refusal": refusal},
    )
