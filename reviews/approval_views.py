"""The approval rules' pages: form admins keep them, auditors and approvers read
them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from orderreview import roles
from orderreview.forms import form_errors_add
from orderreview.roles import role_required
from reviews import approval_conditions, approval_rules
from reviews.approval_forms import (
    ConditionFormSet,
    RuleForm,
    condition_initial,
    conditions_of,
)
from reviews.models import ApprovalRule


@require_safe
@role_required(*roles.APPROVAL_RULE_KEEPERS, read_only=roles.APPROVAL_RULE_READERS)
def rule_list(request: HttpRequest) -> HttpResponse:
    rules = [
        {
            "rule": rule,
            "conditions": [approval_conditions.describe(c) for c in rule.conditions],
        }
        for rule in ApprovalRule.objects.all()
    ]
    return render(request, "reviews/approval_rule_list.html", {"rules": rules})


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(*roles.APPROVAL_RULE_KEEPERS, read_only=roles.APPROVAL_RULE_READERS)
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    rule = get_object_or_404(ApprovalRule, pk=pk) if pk is not None else None
    if request.method != "POST":
        form = RuleForm(instance=rule)
        formset = ConditionFormSet(
            prefix="conditions",
            initial=condition_initial(rule.conditions) if rule else None,
        )
    else:
        form = RuleForm(request.POST, instance=rule)
        formset = ConditionFormSet(request.POST, prefix="conditions")
        if form.is_valid() and formset.is_valid():
            try:
                saved = approval_rules.rule_save(
                    rule=rule,
                    user=request.user,
                    name=form.cleaned_data["name"],
                    applies_to=form.cleaned_data["applies_to"],
                    approvers_required=form.cleaned_data["approvers_required"],
                    role_required=form.cleaned_data["role_required"],
                    conditions=conditions_of(formset),
                    active=rule.active if rule else True,
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(
                    request,
                    f"Saved: {saved.name}. It applies to signatures from now on; "
                    "records already signed keep the rule as it was.",
                )
                return redirect("reviews:approval_rule_list")
    return render(
        request,
        "reviews/approval_rule_form.html",
        {
            "form": form,
            "formset": formset,
            "rule": rule,
            "conditions": [approval_conditions.describe(c) for c in rule.conditions]
            if rule
            else [],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(*roles.APPROVAL_RULE_KEEPERS)
def rule_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(ApprovalRule, pk=pk)
    if request.method == "POST":
        try:
            approval_rules.rule_deactivate(rule=rule, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"Deactivated: {rule.name} applies to no further signature.",
            )
        return redirect("reviews:approval_rule_list")
    return render(request, "reviews/approval_rule_deactivate.html", {"rule": rule})
