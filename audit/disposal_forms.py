"""Forms of disposal: the request's reason, the decision's refusal reason."""

from django import forms

from orderreview import textlimits


class DisposalRequestForm(forms.Form):
    reason = forms.CharField(
        label="Why dispose of it",
        max_length=textlimits.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="E.g. retention period over, no claim or dispute open.",
    )


class DisposalRefusalForm(forms.Form):
    refusal_reason = forms.CharField(
        label="Why refuse",
        max_length=textlimits.NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
