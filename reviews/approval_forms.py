"""The approval rule form and its condition rows; the kinds and the service check
everything again."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from orderreview import roles
from orders.models import Discipline
from reviews import approval_conditions
from reviews.approval_rules import MAX_APPROVERS
from reviews.models import ApprovalRule


class RuleForm(forms.ModelForm):
    applies_to = forms.MultipleChoiceField(
        choices=ApprovalRule.AppliesTo.choices,
        initial=ApprovalRule.AppliesTo.values,
        widget=forms.CheckboxSelectMultiple,
        label="Applies to",
        help_text="What the rule covers when its conditions hold.",
        error_messages={
            "required": "Choose at least one: orders, quotes or change orders."
        },
    )
    role_required = forms.ChoiceField(
        choices=[("", "Any approver")] + [(r, r) for r in roles.ALL_ROLES],
        required=False,
        label="One approver must hold the role",
        help_text="Optional: one of the signers must hold this role when they sign.",
    )
    approvers_required = forms.IntegerField(
        min_value=1,
        max_value=MAX_APPROVERS,
        initial=1,
        label="Distinct approvers who must sign",
        help_text="2 for a two-person rule. Each signs with their own password.",
    )

    class Meta:
        model = ApprovalRule
        fields = ["name", "approvers_required", "role_required"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["applies_to"] = self.instance.applies_to
        # Shown before the count, as the rule reads: covers what, requires whom.
        self.order_fields(["name", "applies_to"])


class ConditionForm(forms.Form):
    """One condition row: the kind says which of the other fields it reads."""

    kind = forms.ChoiceField(
        choices=[("", "— no condition —"), *approval_conditions.KIND_CHOICES],
        required=False,
        label="Condition",
    )
    question = forms.CharField(
        max_length=60,
        required=False,
        label="Question key",
        help_text="The key of the question, as on the order form (e.g. thickness).",
    )
    operator = forms.ChoiceField(
        choices=[("", "—")]
        + [(key, symbol) for key, (symbol, _) in approval_conditions.OPERATORS.items()],
        required=False,
        label="Compared",
    )
    number = forms.CharField(max_length=30, required=False, label="Number")
    currency = forms.CharField(
        max_length=3,
        required=False,
        label="Currency",
        help_text="For the order's value: an ISO 4217 code, e.g. EUR.",
    )
    choices = forms.CharField(
        max_length=500,
        required=False,
        label="Choices",
        help_text="Separated by commas.",
    )
    discipline = forms.ModelChoiceField(
        queryset=Discipline.objects.order_by("name"),
        required=False,
        to_field_name="slug",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        if not kind or data.get("DELETE"):
            data["params"] = None
            return data
        try:
            data["params"] = approval_conditions.KINDS[kind].clean(data)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return data


ConditionFormSet = forms.formset_factory(
    ConditionForm, extra=2, can_delete=True, max_num=20, validate_max=True
)


def condition_initial(conditions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A rule's stored conditions as rows of the condition form."""
    rows = []
    for params in conditions:
        row = dict(params)
        if isinstance(row.get("choices"), list):
            row["choices"] = ", ".join(row["choices"])
        rows.append(row)
    return rows


def conditions_of(formset: Any) -> list[dict[str, Any]]:
    return [
        form.cleaned_data["params"]
        for form in formset.forms
        if form.cleaned_data.get("params")
    ]
