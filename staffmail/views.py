"""Each person's own e-mail preferences, and what was sent to them lately."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from staffmail import services
from staffmail.forms import PreferencesForm
from staffmail.kinds import CHOOSABLE
from staffmail.models import StaffMessage


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    current = services.preferences_of(request.user)
    initial = {"digest_hour": current.digest_hour}
    initial.update({kind.value: current.mode(kind) for kind in CHOOSABLE})
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.preferences_save(
            user=request.user,
            modes={kind.value: form.cleaned_data[kind.value] for kind in CHOOSABLE},
            digest_hour=form.cleaned_data["digest_hour"],
        )
        messages.success(request, "Your e-mail preferences are saved.")
        return redirect("staffmail:preferences")
    recent = list(
        StaffMessage.objects.filter(recipient=request.user)
        .only("kind", "subject", "state", "created_at", "sent_at")
        .order_by("-created_at", "-pk")[:20]
    )
    return render(
        request,
        "staffmail/preferences.html",
        {"form": form, "recent": recent, "email": request.user.email},
    )
