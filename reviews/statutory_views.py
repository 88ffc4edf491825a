"""Confirming a review's statutory and regulatory checks: the row partial for
htmx, the whole review page without JavaScript."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from orderreview import roles
from orderreview.roles import role_required
from reviews import selectors, statutory
from reviews.forms import StatutoryCheckForm
from reviews.page_views import review_page
from reviews.statutory_rows import check_row


@require_POST
@role_required(*roles.REVIEWING)
def statutory_check_save(request: HttpRequest, pk: int, check_pk: int) -> HttpResponse:
    review = selectors.review_get(pk)
    check = next((c for c in review.statutory_checks.all() if c.pk == check_pk), None)
    if check is None:
        raise Http404("No such check in this review.")
    if not statutory.check_is_confirmable_by(check, request.user):
        raise PermissionDenied
    form = StatutoryCheckForm(request.POST, prefix=f"s{check.pk}")
    outcome: dict[str, Any] = {"conflict": "", "saved": False, "errors": []}
    if form.is_valid():
        try:
            check = statutory.check_record(
                check=check, user=request.user, **form.cleaned_data
            )
        except statutory.CheckConflict as error:
            outcome["conflict"] = error.messages[0]
            check = error.current
            # Keep what the reviewer typed, but let a deliberate second save win.
            data = request.POST.copy()
            data[f"s{check.pk}-version"] = str(check.version)
            form = StatutoryCheckForm(data, prefix=f"s{check.pk}")
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error(None, error)
            else:
                outcome["errors"] = error.messages
        else:
            outcome["saved"], form = True, None
    if outcome["saved"] and not request.htmx:
        messages.success(request, f"Saved: {check}.")
        return redirect(f"{reverse('reviews:review_detail', args=[pk])}#s{check.pk}")
    discipline_ids = selectors.discipline_ids_of(request.user)
    row = check_row(check, review, discipline_ids, form, **outcome)
    if request.htmx:
        return render(request, "reviews/_statutory_check_row.html", {"row": row})
    return review_page(
        request, selectors.review_get(pk, with_assessments=False), bound_check=row
    )
