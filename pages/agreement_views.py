"""The customer's answer to the conditions of an acceptance (ISO 9001 8.2.3.1 e):
the public portal page the decision notice links to, the page where customer
service record an answer given otherwise, and closing a declined order."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from orderreview import roles
from orderreview.forms import form_errors_add
from orderreview.roles import role_required
from orders.models import Order
from orders.public import public_page
from pages.agreement_forms import CloseDeclinedForm, PortalAnswerForm, RecordAnswerForm
from pages.agreements import customer_answer_record
from pages.order_views import order_or_404
from reviews import agreement_selectors, agreements
from reviews.models import CustomerAgreement


@require_http_methods(["GET", "HEAD", "POST"])
@public_page
def agreement_portal(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the customer agrees to or declines the conditions, confirming their
    answer on a second step; once answered (or expired) the link is refused."""
    agreement = agreement_selectors.agreement_for_token(token)
    refusal = agreement_selectors.agreement_refusal(agreement)
    if refusal:
        return render(
            request, "orders/agreement_refused.html", {"reason": refusal}, status=410
        )
    if "edit" in request.POST:
        # Back from the confirmation step: the form again, with what was typed.
        fields = ("answer", "name", "comment")
        form = PortalAnswerForm(initial={f: request.POST.get(f, "") for f in fields})
    else:
        form = PortalAnswerForm(request.POST or None)
    context = {"agreement": agreement, "order": agreement.order, "form": form}
    if request.method == "POST" and form.is_bound and form.is_valid():
        data = form.cleaned_data
        if not data["confirmed"]:
            return render(request, "orders/agreement_confirm.html", context)
        try:
            context["agreement"] = customer_answer_record(
                agreement=agreement,
                state=data["answer"],
                answered_by_name=data["name"],
                answered_via=CustomerAgreement.Via.PORTAL,
                answered_at=timezone.now(),
                comment=data["comment"],
                recorded_by=None,
                note=f"Answered through the portal link.\n\n{data['comment']}".strip(),
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            return render(request, "orders/agreement_done.html", context)
    return render(request, "orders/agreement_portal.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(roles.CUSTOMER_SERVICE)
def agreement_record(request: HttpRequest, number: str) -> HttpResponse:
    """Customer service record the customer's answer given by phone, e-mail, in a
    meeting or by letter, with the communication that documents it."""
    order = order_or_404(number)
    agreement = agreement_selectors.agreement_pending_for_order(order)
    if agreement is None:
        raise Http404("No conditions wait for the customer's answer")
    initial = {"answered_at": timezone.localtime().replace(second=0, microsecond=0)}
    form = RecordAnswerForm(request.POST or None, initial=initial, order=order)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            customer_answer_record(
                agreement=agreement,
                recorded_by=request.user,
                **data,
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, "The customer's answer is recorded.")
            return redirect(order)
    context = {"order": order, "agreement": agreement, "form": form}
    return render(request, "orders/agreement_record.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(roles.APPROVER)
def order_close_declined(request: HttpRequest, number: str) -> HttpResponse:
    """An approver closes as rejected an order whose customer declined the
    conditions; the page itself is the confirmation step."""
    order = order_or_404(number)
    if order.status != Order.Status.CONDITIONS_DECLINED:
        raise Http404("The customer has not declined this order's conditions")
    form = CloseDeclinedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreements.order_close_declined(
                order=order, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, f"{order.number} is closed as rejected.")
            return redirect(order)
    context = {
        "order": order,
        "form": form,
        "agreements": agreement_selectors.agreements_of_order(order),
    }
    return render(request, "orders/order_close_declined.html", context)
