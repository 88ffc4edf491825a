"""A quote sent to the customer: its PDF, the links staff create and revoke, and
the public page where the customer, through a link, accepts the quote or asks
for changes."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods, require_safe

from orderreview import roles
from orderreview.forms import form_errors_add
from orderreview.roles import role_required
from orders.models import Order
from orders.public import public_page
from pages.link_pages import links_page
from pages.order_views import order_or_404
from pages.quote_pdf import QuotePdf, quote_pdf, quote_value
from pages.quote_portal import quote_changes_request
from pages.quote_portal_forms import QuoteAcceptForm, QuoteChangesForm, QuoteLinkForm
from requirements import quote_portal
from requirements import selectors as req_selectors
from requirements.models import QuoteLink
from requirements.quote_differences import quote_reviewed_revision

# The new link's token waits in the session for the one page that shows it, as an
# intake portal link's does (pages.order_views.portal_link).
NEW_LINK_SESSION_KEY = "quote_link_new"


def _quote_or_404(number: str) -> Order:
    quote = order_or_404(number)
    if not quote.is_quote:
        raise Http404("Not a quote")
    return quote


@require_safe
@role_required(roles.CUSTOMER_SERVICE, read_only=roles.ORDER_READERS)
def quote_pdf_download(request: HttpRequest, number: str) -> HttpResponse:
    """The quote as reviewed, as a PDF to send to the customer."""
    quote = _quote_or_404(number)
    revision = quote_reviewed_revision(quote)
    if revision is None:
        raise Http404("The quote has no reviewed revision yet")
    acceptance = getattr(revision, "customer_acceptance", None)
    content = quote_pdf(QuotePdf(quote=quote, revision=revision, acceptance=acceptance))
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"{quote.number}-rev{revision.number}-quote.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(roles.CUSTOMER_SERVICE)
def quote_link(request: HttpRequest, number: str) -> HttpResponse:
    """Create or revoke the quote's customer links (pages.link_pages: the token is
    shown once)."""
    quote = _quote_or_404(number)

    def revoke(pk: str | None) -> None:
        link = get_object_or_404(QuoteLink, pk=pk or None, quote=quote)
        quote_portal.quote_link_revoke(link=link, user=request.user)

    return links_page(
        request,
        number=quote.number,
        form=QuoteLinkForm(request.POST if request.method == "POST" else None),
        page="orders:quote_link",
        opened_by="orders:quote_portal",
        session_key=NEW_LINK_SESSION_KEY,
        revoke=revoke,
        revoked="Link revoked: it no longer opens the quote.",
        create=lambda label: quote_portal.quote_link_create(
            quote=quote, user=request.user, label=label
        ),
        template="orders/quote_link.html",
        context=lambda: {
            "quote": quote,
            "links": quote_portal.quote_links_of(quote),
            "acceptances": quote_portal.quote_acceptances_of(quote),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@public_page
def quote_portal_page(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the customer reads the quote as reviewed and accepts it (typing
    their name) or asks for changes. An unknown or revoked link is not found."""
    link = quote_portal.quote_link_for_token(token)
    if link is None:
        raise Http404("No such link")
    if quote_portal.quote_link_expired(link):
        return render(
            request,
            "orders/agreement_refused.html",
            {"reason": "This link has expired. Please ask us for a new one."},
            status=410,
        )
    quote = link.quote
    revision = quote_reviewed_revision(quote)
    action = request.POST.get("action") if request.method == "POST" else None
    number = revision.number if revision else None
    accept = QuoteAcceptForm(
        request.POST if action == "accept" else None, initial={"revision": number}
    )
    changes = QuoteChangesForm(request.POST if action == "changes" else None)
    if action == "accept" and accept.is_valid():
        try:
            acceptance = quote_portal.quote_customer_accept(
                link=link,
                revision_number=accept.cleaned_data["revision"],
                name=accept.cleaned_data["name"],
            )
        except ValidationError as error:
            form_errors_add(accept, error)
        else:
            context = {"quote": quote, "acceptance": acceptance}
            return render(request, "orders/quote_portal_done.html", context)
    elif action == "changes" and changes.is_valid():
        try:
            quote_changes_request(
                link=link,
                name=changes.cleaned_data["changes_name"],
                message=changes.cleaned_data["message"],
            )
        except ValidationError as error:
            form_errors_add(changes, error)
        else:
            context = {"quote": quote, "changes_sent": True}
            return render(request, "orders/quote_portal_done.html", context)
    context = {
        "quote": quote,
        "revision": revision,
        "value": quote_value(quote, revision) if revision else "",
        "groups": (
            req_selectors.requirements_by_category(revision) if revision else []
        ),
        "refusal": quote_portal.quote_acceptance_refusal(quote, number),
        "accept": accept,
        "changes": changes,
    }
    return render(request, "orders/quote_portal.html", context)
