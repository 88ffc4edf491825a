"""The order pages: the order list and detail, new orders and their drafts,
staff-added requirements and portal links. (Customer confirmation of a revision:
pages.confirmation_views.)

The order page shows every domain at once (requirements, reviews, communications):
its view gathers them from their apps' selectors (pages.selectors), so no template
tag queries another app.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from orderreview import idempotency, roles
from orderreview.downloads import file_download
from orderreview.forms import form_errors_add
from orderreview.pagination import keyset_page, requested_token
from orderreview.roles import role_required
from orderreview.urlfill import url_filler
from orders import selectors, services
from orders.forms import (
    OrderFilterForm,
    OrderHeaderForm,
    PortalLinkForm,
    RequirementForm,
    header_initial,
)
from orders.models import Order, OrderForm, PortalLink
from orders.uploads import stored_upload_path
from pages import selectors as page_selectors
from pages.link_pages import links_page
from pages.quote_forms import QuoteNumberForm
from requirements import selectors as req_selectors
from requirements import services as req_services
from requirements.confirmations import confirmation_of, revision_to_confirm
from requirements.draft_editing import (
    answers_bind,
    answers_save,
    draft_post_response,
    order_draft_revision,
)
from requirements.models import Requirement, RequirementSet
from requirements.quote_differences import differences_shown
from requirements.quote_portal import quote_acceptances_of
from requirements.table_rows import requirement_rows
from reviews.models import CustomerAgreement

CS = roles.CUSTOMER_SERVICE
PAGE_SIZE = 50


# --- order list and detail ---------------------------------------------------------


@require_safe
@role_required(CS, read_only=roles.ORDER_READERS)
def order_list(request: HttpRequest) -> HttpResponse:
    filters = OrderFilterForm(request.GET)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    page = keyset_page(
        page_selectors.orders_listed(cleaned),
        token=requested_token(request),
        size=PAGE_SIZE,
    )
    detail_url = url_filler("orders:order_detail")
    for order in page.rows:
        order.detail_url = detail_url(order.number)
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "orders/order_list.html",
        {"filters": filters, "page": page, "query": query.urlencode()},
    )


def order_or_404(number: str) -> Order:
    try:
        return selectors.order_for_detail(number)
    except Order.DoesNotExist:
        raise Http404("No such order") from None


def _timeline(
    order: Order,
    revisions: list[RequirementSet],
    agreements: list[CustomerAgreement],
) -> list[dict]:
    events = [
        {
            "when": order.created_at,
            "text": f"Entered ({order.get_channel_display()})",
            "who": order.entered_by,
        }
    ]
    for revision in revisions:
        if revision.number > 1:
            events.append(
                {
                    "when": revision.created_at,
                    "text": f"Revision {revision.number} started",
                    "who": revision.created_by,
                }
            )
        if revision.submitted_at:
            events.append(
                {
                    "when": revision.submitted_at,
                    "text": f"Revision {revision.number} submitted for review",
                    "who": revision.submitted_by,
                }
            )
        if confirmation := confirmation_of(revision):
            events.append(
                {
                    "when": confirmation.confirmed_at,
                    "text": f"Revision {revision.number} confirmed by the customer: "
                    f"{confirmation.method}",
                    "who": confirmation.confirmed_by,
                }
            )
    events.extend(_decisions(revisions))
    events.extend(
        {
            "when": agreement.answered_at,
            "text": f"Conditions of revision {agreement.revision_number}: "
            f"{agreement.get_state_display().lower()} ({agreement.answered_by_name}, "
            f"{agreement.get_answered_via_display().lower()})",
            "who": agreement.recorded_by,
        }
        for agreement in agreements
        if agreement.answered_at
    )
    return sorted(events, key=lambda event: event["when"])


def _decisions(revisions: list[RequirementSet]) -> list[dict]:
    """Who accepted or rejected each revision, and when, with the reasons.

    The revisions come with review__decision__decided_by (revision_history), the
    reviews app's reverse relations followed by name: no query, no import."""
    events = []
    for revision in revisions:
        review = getattr(revision, "review", None)
        decision = getattr(review, "decision", None) if review else None
        if decision is None:
            continue
        text = f"Revision {revision.number} {decision.get_outcome_display().lower()}"
        if decision.reasons:
            text += f": {decision.reasons}"
        events.append(
            {"when": decision.decided_at, "text": text, "who": decision.decided_by}
        )
    return events


@require_safe
@role_required(CS, read_only=roles.ORDER_READERS)
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    try:
        order = selectors.order_for_page(number)
    except Order.DoesNotExist:
        raise Http404("No such order") from None
    revisions = page_selectors.order_revisions(order)
    selected = revisions[-1] if revisions else None
    wanted = request.GET.get("revision")
    if wanted:
        selected = next((r for r in revisions if str(r.number) == wanted), None)
        if selected is None:
            raise Http404("No such revision")
    panels = page_selectors.order_panels(order, request.user, revisions)
    # A quote's acceptances by the customer (one query, quotes only).
    accepted = quote_acceptances_of(order) if order.is_quote else []
    context = {
        "order": order,
        "revisions": revisions,
        "revision": selected,
        "to_confirm": revision_to_confirm(revisions),
        "quote_expired": order.quote_expired(timezone.localdate()),
        "quote_differences": differences_shown(selected) if order.quote_id else None,
        "quote_acceptances": accepted,
        "quote_reviewed": any(
            r.state == RequirementSet.State.ACCEPTED for r in revisions
        ),
        "timeline": sorted(
            _timeline(order, revisions, panels["agreements"])
            + [
                {
                    "when": a.accepted_at,
                    "text": f"Revision {a.revision.number} accepted by the customer "
                    f"({a.accepted_by_name}, through the quote link)",
                    "who": None,
                }
                for a in accepted
            ],
            key=lambda event: event["when"],
        ),
        "groups": requirement_rows(selected, order.number) if selected else [],
        "draft_answers": (
            req_selectors.draft_answers(order, selected)
            if selected and selected.state == RequirementSet.State.DRAFT
            else []
        ),
        **panels,
    }
    return render(request, "orders/order_detail.html", context)


# --- entering an order ---------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(CS)
def order_new(request: HttpRequest) -> HttpResponse:
    return _order_new(request, kind=Order.Kind.ORDER)


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(CS)
def quote_new(request: HttpRequest) -> HttpResponse:
    """A quote: entered, reviewed and signed as an order is, numbered QU-..."""
    return _order_new(request, kind=Order.Kind.QUOTE)


def _order_new(request: HttpRequest, *, kind: str) -> HttpResponse:
    # Links from a customer's page or a catalog offering pre-select their part.
    initial = {
        "customer": request.GET.get("customer"),
        "form": OrderForm.objects.filter(slug=request.GET.get("form", "")).first(),
    }
    header = OrderHeaderForm(request.POST or None, initial=initial, kind=kind)
    # An order for one of our quotes is made from the quote (its own page).
    quote_form = None
    if kind == Order.Kind.ORDER:
        named = "quote" in request.GET
        quote_form = QuoteNumberForm(request.GET if named else None)
        if named and quote_form.is_valid():
            quote = quote_form.cleaned_data["quote"]
            return redirect("orders:order_from_quote", number=quote.number)
    if replayed := idempotency.replayed_url(request):
        return redirect(replayed)
    if request.method == "POST" and header.is_valid():

        def create() -> str:
            revision = req_services.intake_start(
                user=request.user,
                form_version=header.cleaned_data["form_version"],
                **header.service_kwargs(),
            )
            number = revision.order.number
            messages.success(request, f"Draft {number} saved. Now answer the form.")
            _warn_without_email(request, revision.order)
            return reverse("orders:order_edit", args=[number])

        try:
            return redirect(idempotency.once(request, create))
        except ValidationError as error:
            form_errors_add(header, error)
    return render(
        request,
        "orders/order_new.html",
        {
            "header": header,
            "is_quote": kind == Order.Kind.QUOTE,
            "quote_form": quote_form,
        },
    )


def _warn_without_email(request: HttpRequest, order: Order) -> None:
    """A customer without an e-mail address gets no notice: say so while it is
    still easy to fix, not later on the notices page."""
    if not order.customer_to_confirm and not order.customer.email:
        messages.warning(
            request,
            f"{order.customer.name} has no e-mail address: no acknowledgement or "
            "decision can be sent to them. Add one on the customer's page.",
        )


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(CS)
def order_edit(request: HttpRequest, number: str) -> HttpResponse:
    order = order_or_404(number)
    revision = order_draft_revision(order)
    if revision is None:
        messages.info(request, f"{order.number} is no longer a draft.")
        return redirect(order)
    submit = "submit" in request.POST
    header = OrderHeaderForm(
        request.POST or None, initial=header_initial(order), order=order
    )
    answer_form = answers_bind(request, order, revision, submit=submit)
    if request.method == "POST":
        answers_ok, revision = answers_save(
            answer_form, revision, submit=submit, user=request.user
        )
        header_ok = header.is_valid()
        if header_ok:
            try:
                order = services.order_header_update(
                    order=order, user=request.user, **header.service_kwargs()
                )
            except ValidationError as error:
                form_errors_add(header, error)
                header_ok = False
        done = draft_post_response(
            request,
            revision=revision,
            valid=header_ok and answers_ok,
            submit=submit,
            submitted=(
                f"{order.number} submitted for review.",
                reverse("orders:order_detail", args=[order.number]),
            ),
            saved=("Draft saved.", reverse("orders:order_edit", args=[order.number])),
        )
        if done:
            return done
    context = {
        "order": order,
        "revision": revision,
        "header": header,
        "answer_form": answer_form,
        "requirement_form": RequirementForm(),
        "staff_requirements": revision.requirements.select_related("discipline"),
    }
    return render(request, "orders/order_edit.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(CS)
def requirement_add(request: HttpRequest, number: str) -> HttpResponse:
    order = order_or_404(number)
    revision = order_draft_revision(order)
    if revision is None:
        raise Http404("Requirements are added to draft orders only")
    form = RequirementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            req_services.requirement_add(
                revision=revision, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, "Requirement added.")
            return redirect("orders:order_edit", number=order.number)
    return render(
        request, "requirements/requirement_form.html", {"order": order, "form": form}
    )


@require_POST
@role_required(CS)
def requirement_remove(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    order = order_or_404(number)
    requirement = get_object_or_404(Requirement, pk=pk, requirement_set__order=order)
    try:
        req_services.requirement_remove(requirement=requirement, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Requirement removed.")
    return redirect("orders:order_edit", number=order.number)


@require_safe
@role_required(CS, read_only=roles.ORDER_READERS)
def requirement_file(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """A file answer of a submitted requirement, to those who may read the order.

    Uploads live under MEDIA_ROOT, which no URL serves: this view is the only way
    to them, always as a download (never rendered inline in our origin).
    """
    order = order_or_404(number)
    requirement = get_object_or_404(Requirement, pk=pk, requirement_set__order=order)
    path = stored_upload_path(requirement.value, order.number)
    if path is None or not default_storage.exists(path):
        raise Http404("No file for this requirement")
    return file_download(
        default_storage.open(path, "rb"),
        filename=str(requirement.value.get("name") or "file"),
        content_type="application/octet-stream",
    )


# The new link's token waits in the session for the one page that shows it: the
# creating POST redirects (a reload cannot create another link) and the GET pops it.
NEW_LINK_SESSION_KEY = "portal_link_new"


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(CS)
def portal_link(request: HttpRequest, number: str) -> HttpResponse:
    """Create or revoke portal links (pages.link_pages: the token is shown once)."""
    order = order_or_404(number)

    def revoke(pk: str | None) -> None:
        link = get_object_or_404(PortalLink, pk=pk, order=order)
        services.portal_link_revoke(link=link, user=request.user)

    return links_page(
        request,
        number=order.number,
        form=PortalLinkForm(request.POST if request.method == "POST" else None),
        page="orders:portal_link",
        opened_by="orders:portal",
        session_key=NEW_LINK_SESSION_KEY,
        revoke=revoke,
        revoked="Link revoked: it no longer opens the order.",
        create=lambda label: services.portal_link_create(
            order=order, user=request.user, label=label
        ),
        template="orders/portal_link.html",
        context=lambda: {
            "order": order,
            "links": selectors.portal_links_for_order(order),
        },
    )
