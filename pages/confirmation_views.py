"""The page where customer service records that the customer confirmed a
revision's requirements (ISO 9001 8.2.3.1)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from communications import selectors as communications
from orderreview import roles
from orderreview.forms import form_errors_add
from orderreview.roles import role_required
from pages.confirmation_forms import RevisionConfirmationForm
from pages.confirmations import revision_confirm
from pages.order_views import order_or_404
from requirements.confirmations import confirmation_of

LINKABLE_SHOWN = 50


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(roles.CUSTOMER_SERVICE)
def revision_confirmation(
    request: HttpRequest, number: str, revision: int
) -> HttpResponse:
    order = order_or_404(number)
    found = (
        order.revisions.select_related(
            "confirmation__confirmed_by",
            "confirmation__communication",
            "confirmation__attachment",
        )
        .filter(number=revision)
        .first()
    )
    if found is None:
        raise Http404("No such revision")
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = RevisionConfirmationForm(
        request.POST or None,
        initial={"confirmed_at": now},
        communications=communications.communications_for_order(order, LINKABLE_SHOWN),
        attachments=communications.attachments_for_order(order, LINKABLE_SHOWN),
    )
    if request.method == "POST" and form.is_valid():
        try:
            revision_confirm(revision=found, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request, f"Customer confirmation of revision {found.number} recorded."
            )
            return redirect(order)
    context = {
        "order": order,
        "revision": found,
        "confirmation": confirmation_of(found),
        "recordable": found.confirmation_recordable,
        "form": form,
    }
    return render(request, "orders/revision_confirmation.html", context)
