"""Change orders (ISO 9001 8.2.4): raise one, edit its draft, see what it changes,
and the notifications that make affected people aware of it.

The answer form is bound and saved as on a draft order's page (draft_editing), so a
change order's draft keeps everything typed the same way.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from orderreview import roles
from orderreview.forms import form_errors_add
from orderreview.roles import role_required
from orders.forms import RequirementForm
from orders.models import Order
from requirements import change_notifications, change_orders, selectors, services
from requirements.draft_editing import (
    answers_bind,
    answers_save,
    draft_post_response,
)
from requirements.forms import AcknowledgeForm, ChangeOrderForm
from requirements.models import ChangeNotification, Requirement, RequirementSet

CS = roles.CUSTOMER_SERVICE


def _order_or_404(number: str) -> Order:
    return get_object_or_404(
        Order.objects.select_related("customer", "form_version__form", "entered_by"),
        number=number,
    )


def _revision_or_404(number: str, revision: int) -> RequirementSet:
    return get_object_or_404(
        RequirementSet.objects.select_related(
            "order__customer", "order__form_version__form", "created_by"
        ),
        order__number=number,
        number=revision,
    )


def _change_draft_or_404(number: str, revision: int) -> RequirementSet:
    """A change order's draft revision; anything else is not editable here."""
    found = _revision_or_404(number, revision)
    if found.number == 1 or found.state != RequirementSet.State.DRAFT:
        raise Http404("No draft change order with this number")
    return found


def _hand_added_or_404(revision: RequirementSet, pk: int) -> Requirement:
    return get_object_or_404(
        Requirement.objects.select_related("discipline"),
        pk=pk,
        requirement_set=revision,
        source__in=selectors.HAND_ADDED,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(CS)
def change_new(request: HttpRequest, number: str) -> HttpResponse:
    order = _order_or_404(number)
    draft = selectors.draft_revision(order)
    if draft is not None and draft.number > 1:
        messages.info(request, f"Revision {draft.number} is already being drafted.")
        return redirect("requirements:change_edit", number, draft.number)
    posted = request.method == "POST"
    form = ChangeOrderForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial={"channel": order.channel},
    )
    if request.method == "POST" and form.is_valid():
        try:
            revision = change_orders.change_order_start(
                order=order, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(
                request,
                f"Change order started: revision {revision.number}, pre-filled with "
                "the current requirements. Change what the customer asked for.",
            )
            return redirect("requirements:change_edit", number, revision.number)
    return render(
        request, "requirements/change_new.html", {"order": order, "form": form}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(CS)
def change_edit(request: HttpRequest, number: str, revision: int) -> HttpResponse:
    draft = _change_draft_or_404(number, revision)
    order = draft.order
    submit = "submit" in request.POST
    answer_form = answers_bind(request, order, draft, submit=submit)
    if request.method == "POST":
        valid, draft = answers_save(
            answer_form, draft, submit=submit, user=request.user
        )
        done = draft_post_response(
            request,
            revision=draft,
            valid=valid,
            submit=submit,
            submitted=(
                f"Revision {draft.number} submitted: the review re-opens for "
                "what changed and the people affected are notified.",
                reverse("requirements:revision_changes", args=[number, draft.number]),
            ),
            saved=(
                "Change order saved as a draft.",
                reverse("requirements:change_edit", args=[number, draft.number]),
            ),
        )
        if done:
            return done
    context = {
        "order": order,
        "revision": draft,
        "answer_form": answer_form,
        "diff": selectors.revision_diff(draft),
        "hand_added": list(
            draft.requirements.filter(source__in=selectors.HAND_ADDED).select_related(
                "discipline"
            )
        ),
    }
    return render(request, "requirements/change_edit.html", context)


@require_POST
@role_required(CS)
def change_discard(request: HttpRequest, number: str, revision: int) -> HttpResponse:
    draft = _change_draft_or_404(number, revision)
    try:
        change_orders.change_order_discard(revision=draft, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("requirements:change_edit", number, revision)
    messages.success(request, f"Change order (revision {revision}) discarded.")
    return redirect("orders:order_detail", number=number)


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(CS)
def change_requirement_add(
    request: HttpRequest, number: str, revision: int
) -> HttpResponse:
    draft = _change_draft_or_404(number, revision)
    form = RequirementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.requirement_add(
                revision=draft, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, "Requirement added to the change order.")
            return redirect("requirements:change_edit", number, revision)
    context = {"order": draft.order, "revision": draft, "form": form}
    return render(request, "requirements/change_requirement_form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(CS)
def change_requirement_edit(
    request: HttpRequest, number: str, revision: int, pk: int
) -> HttpResponse:
    draft = _change_draft_or_404(number, revision)
    requirement = _hand_added_or_404(draft, pk)
    initial = {
        "statement": requirement.statement,
        "category": requirement.category,
        "discipline": requirement.discipline,
    }
    form = RequirementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.requirement_update(
                requirement=requirement, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, "Requirement changed.")
            return redirect("requirements:change_edit", number, revision)
    context = {
        "order": draft.order,
        "revision": draft,
        "form": form,
        "requirement": requirement,
    }
    return render(request, "requirements/change_requirement_form.html", context)


@require_POST
@role_required(CS)
def change_requirement_remove(
    request: HttpRequest, number: str, revision: int, pk: int
) -> HttpResponse:
    draft = _change_draft_or_404(number, revision)
    requirement = _hand_added_or_404(draft, pk)
    try:
        services.requirement_remove(requirement=requirement, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Requirement removed from the change order.")
    return redirect("requirements:change_edit", number, revision)


@require_safe
@role_required(CS, read_only=roles.ORDER_READERS)
def revision_changes(request: HttpRequest, number: str, revision: int) -> HttpResponse:
    """What one revision changes against its baseline, and who acknowledged it."""
    found = _revision_or_404(number, revision)
    diff = selectors.revision_diff(found)
    if diff.baseline is None:
        raise Http404("The first revision has nothing to compare with")
    context = {
        "order": found.order,
        "revision": found,
        "diff": diff,
        "notifications": selectors.notifications_of_revision(found),
    }
    return render(request, "requirements/revision_changes.html", context)


@require_safe
@role_required(*roles.CHANGE_NOTIFIED, read_only=roles.AUDITORS)
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = list(selectors.notifications_for(request.user)[:200])
    return render(
        request,
        "requirements/notification_list.html",
        {"notifications": notifications},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(*roles.CHANGE_NOTIFIED)
def notification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's notification is not theirs to see: 404, not 403.
    notification = get_object_or_404(
        ChangeNotification.objects.select_related(
            # The form version: the diff's order value (its value setting).
            "revision__order__customer",
            "revision__order__form_version",
            "revision__created_by",
        ),
        pk=pk,
        user=request.user,
    )
    form = AcknowledgeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            change_notifications.notification_acknowledge(
                notification=notification, user=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Change acknowledged. Thank you.")
            return redirect("requirements:notification_list")
    context = {
        "notification": notification,
        "order": notification.revision.order,
        "revision": notification.revision,
        "diff": selectors.revision_diff(notification.revision),
        "form": form,
        # People told only to be aware (purchasing, shipping) cannot open orders.
        "can_open_order": roles.has_role(request.user, *roles.ORDER_OPENERS),
    }
    return render(request, "requirements/notification_detail.html", context)
