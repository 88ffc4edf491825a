"""The page where customer service create and revoke the links they send a customer
(an intake portal link, pages.order_views.portal_link; a quote link,
pages.quote_portal_views.quote_link): one flow, each page its own services.

The token is shown once: only its hash is kept with the link; between the creating
POST and the page that shows it, it waits in the session (popped by that GET).
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone


def links_page(
    request: HttpRequest,
    *,
    number: str,
    form: Any,
    page: str,
    opened_by: str,
    session_key: str,
    revoke: Callable[[str | None], object],
    revoked: str,
    create: Callable[[str], tuple[object, str]],
    template: str,
    context: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """Handle the page's POST (revoke(the posted link's pk), or create(label)
    returning the link and its token) and render template with context() and
    the new link's address (opened_by: the URL name of the page the token opens).
    page is the URL name of this page, for the redirect after a change."""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "revoke":
                revoke(request.POST.get("link"))
                messages.success(request, revoked)
                return redirect(page, number=number)
            if form.is_valid():
                _link, token = create(form.cleaned_data["label"])
                request.session[session_key] = [number, token]
                return redirect(page, number=number)
        except (ValidationError, ValueError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    new_url = None
    pending = None
    if request.method == "GET":
        pending = request.session.pop(session_key, None)
    if pending and pending[0] == number:
        new_url = request.build_absolute_uri(reverse(opened_by, args=[pending[1]]))
    return render(
        request,
        template,
        {**context(), "form": form, "new_url": new_url, "now": timezone.now()},
    )
