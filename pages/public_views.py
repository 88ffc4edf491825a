"""The two public pages: the customer portal (one draft order, by link) and the
catalog request (a visitor asks for an order with a published form)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from orderreview import idempotency
from orderreview.forms import form_errors_add
from orders import selectors
from orders.forms import ContactForm, public_upload_errors, published_version
from orders.models import OrderForm, OrderFormVersion
from orders.orderforms.answer_form import AnswerForm, answer_form_class
from orders.orderforms.line_form import (
    ACTION_NAME,
    entries_rekey,
    field_owner,
    line_action_apply,
)
from orders.public import public_page
from pages import catalog_holds
from requirements import services as req_services
from requirements.draft_editing import (
    ANSWER_PREFIX,
    answers_bind,
    answers_to_keep,
    order_draft_revision,
)

CATALOG_REFERENCE_KEY = "catalog_request_reference"


def _public_upload_check(form: AnswerForm, request: HttpRequest) -> bool:
    errors = public_upload_errors(request.FILES)
    for name, message in errors.items():
        if owner := field_owner(form, name):
            owner[0].add_error(owner[1], message)
    return not errors


@require_http_methods(["GET", "HEAD", "POST"])
@public_page
def portal(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the customer fills in the one draft order their link is for."""
    link = selectors.portal_link_for_token(token)
    if link is None:
        raise Http404("Unknown link")
    if link.used_at:
        # Submitting through the link expired it: the customer still sees "done".
        return render(request, "orders/portal_done.html", {"order": link.order})
    if not selectors.portal_link_usable(link):
        return render(request, "orders/portal_refused.html", {"link": link}, status=410)
    order = link.order
    revision = order_draft_revision(order)
    if link.used_at or revision is None:
        return render(request, "orders/portal_done.html", {"order": order})
    submit = "submit" in request.POST
    answer_form = answers_bind(request, order, revision, submit=submit)
    if request.method == "POST":
        # Both checks always run: a refused file must leave cleaned_data even when
        # another field is wrong, or the draft would keep it.
        valid = answer_form.is_valid()
        valid = _public_upload_check(answer_form, request) and valid
        answers = (
            answer_form.answers()
            if valid and submit
            else answers_to_keep(answer_form, revision.answers)
        )
        try:
            revision = req_services.portal_answers_save(
                link=link, answers=answers, submit=submit and valid
            )
        except ValidationError as error:
            form_errors_add(answer_form, error)
            valid = False
        else:
            entries_rekey(answer_form, revision.answers)
            if valid and submit:
                return redirect("orders:portal", token=token)
            if valid:
                messages.success(request, "Saved. You can come back to this link.")
                return redirect("orders:portal", token=token)
    context = {"order": order, "answer_form": answer_form, "link": link}
    return render(request, "orders/portal.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@public_page
def catalog_request(request: HttpRequest, form_slug: str) -> HttpResponse:
    """Public: a visitor requests an order with one of the catalog's forms."""
    order_form = get_object_or_404(OrderForm, slug=form_slug, active=True)
    version = published_version(order_form)
    if version is None:
        raise Http404("This form is not published")
    if request.GET.get("sent"):
        # The reference comes from this visitor's session, never from the URL: a
        # crafted link cannot show someone else's number (or any text) as theirs.
        reference = request.session.get(CATALOG_REFERENCE_KEY, "")
        return render(
            request,
            "orders/catalog_sent.html",
            {"order_form": order_form, "reference": reference},
        )
    if replayed := idempotency.replayed_url(request):
        return redirect(replayed)
    form_class = answer_form_class(version)
    posted = request.method == "POST"
    contact = ContactForm(request.POST or None, prefix="c")
    # The files this page, shown again, keeps for the visitor (pages.catalog_holds).
    hold = catalog_holds.hold_of(request, version) if posted else None
    answer_form = form_class(
        data=line_action_apply(request.POST) if posted else None,
        files=request.FILES if posted else None,
        initial=catalog_holds.hold_initial(hold) if hold is not None else None,
        prefix=ANSWER_PREFIX,
    )
    if hold is not None:
        # Checked even when a line button was used: a file that passed is kept
        # then too, and a refused one is said beside its field.
        answers_ok = answer_form.is_valid()
        answers_ok = _public_upload_check(answer_form, request) and answers_ok
        contact_ok = contact.is_valid()
        # A line button without JavaScript shows the form again with its action
        # done; it never sends the request.
        if ACTION_NAME not in request.POST and contact_ok and answers_ok:
            sent_url = reverse("orders:catalog_request", args=[form_slug]) + "?sent=1"
            sent = _catalog_send(request, version, contact, answer_form, hold, sent_url)
            if sent:
                return redirect(sent)
        catalog_holds.hold_keep(request, hold, answer_form)
    context = {"order_form": order_form, "contact": contact, "answer_form": answer_form}
    return render(request, "orders/catalog_request.html", context)


def _catalog_send(
    request: HttpRequest,
    version: OrderFormVersion,
    contact: ContactForm,
    answer_form: AnswerForm,
    hold: catalog_holds.Hold,
    sent_url: str,
) -> str | None:
    """Create the requested order (once per page, however often it is posted);
    where to go next, or None when the answers were refused (said on the form)."""

    def create() -> str:
        with catalog_holds.held_as_uploads(hold, answer_form.answers()) as answers:
            revision = req_services.catalog_request_create(
                form_version=version, contact=contact.cleaned_data, answers=answers
            )
        request.session[CATALOG_REFERENCE_KEY] = revision.order.number
        return sent_url

    try:
        url = idempotency.once(request, create)
    except ValidationError as error:
        form_errors_add(answer_form, error)
        return None
    catalog_holds.hold_release(request, hold)
    return url
