"""The form's order value setting: which answers say what an order is worth."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from orderreview.forms import form_errors_add
from orderreview.roles import FORM_ADMIN, role_required
from orders.models import OrderFormVersion, Question
from orders.orderforms import selectors
from orders.orderforms.order_value import QUANTITY_KINDS, version_value_set

Kind = Question.Kind


class ValueSettingForm(forms.Form):
    value_question = forms.ChoiceField(
        required=False,
        label="Amount question",
        help_text="The order's value, or the unit price when a quantity is chosen.",
    )
    value_quantity_question = forms.ChoiceField(
        required=False,
        label="Times the quantity question",
        help_text="Leave empty when the amount is the whole order's value.",
    )

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        amounts = [
            (q.key, f"{q.label} ({q.key})") for q in questions if q.kind == Kind.AMOUNT
        ]
        quantities = [
            (q.key, f"{q.label} ({q.key})")
            for q in questions
            if q.kind in QUANTITY_KINDS
        ]
        self.fields["value_question"].choices = [("", "— not known —"), *amounts]
        self.fields["value_quantity_question"].choices = [("", "— none —"), *quantities]


@require_http_methods(["GET", "POST"])
@role_required(FORM_ADMIN)
def version_value(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = selectors.version_by_number(slug, number)
    version_url = reverse("orderforms:version_detail", args=[slug, number])
    if version.status != OrderFormVersion.Status.DRAFT:
        messages.error(
            request,
            f"Version {number} is {version.get_status_display().lower()}: start a "
            "new draft to change what an order is worth.",
        )
        return redirect(version_url)
    questions = list(version.questions.all())
    initial = {
        "value_question": version.value_question,
        "value_quantity_question": version.value_quantity_question,
    }
    form = ValueSettingForm(request.POST or None, initial=initial, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            version_value_set(
                version=version,
                value_question=form.cleaned_data["value_question"],
                quantity_question=form.cleaned_data["value_quantity_question"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, "Order value setting saved.")
            return redirect(version_url)
    return render(
        request,
        "orders/forms/version_value.html",
        {
            "version": version,
            "form": form,
            "has_amounts": any(q.kind == Kind.AMOUNT for q in questions),
        },
    )
