"""A person's own API tokens: list, create (the token shown once), revoke after a
confirmation. Every role may hold tokens; each acts with its holder's roles."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from api import selectors, services
from api.forms import TokenCreateForm
from api.models import ApiToken
from orderreview.forms import form_errors_add

# The new token waits in the session for the one page that shows it: the creating
# POST redirects (a reload cannot create another) and the GET pops it.
NEW_TOKEN_SESSION_KEY = "api_token_new"  # noqa: S105 (a session key name)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, key = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            request.session[NEW_TOKEN_SESSION_KEY] = [token.pk, key]
            return redirect("api:token_list")
    pending = (
        request.session.pop(NEW_TOKEN_SESSION_KEY, None)
        if request.method == "GET"
        else None
    )
    tokens = list(selectors.tokens_of_user(request.user))
    new_key = None
    if pending and any(token.pk == pending[0] for token in tokens):
        new_key = pending[1]
    context = {"form": form, "tokens": tokens, "new_key": new_key}
    return render(request, "api/token_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first (GET), revokes on POST. Someone else's token is not found."""
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if request.method == "POST":
        try:
            services.api_token_revoke(token=token, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Token {token.prefix}… revoked.")
        return redirect("api:token_list")
    return render(request, "api/token_revoke.html", {"token": token})
