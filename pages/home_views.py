from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from pages import selectors


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's work queue, and the management dashboard for approvers."""
    return render(request, "home.html", selectors.home_queues(request.user))
