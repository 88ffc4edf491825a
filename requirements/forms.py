"""Input validation for change orders and acknowledgements (layout in templates)."""

from django import forms

from orders.models import Channel


class ChangeOrderForm(forms.Form):
    reason = forms.CharField(
        label="Why the requirements change",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text="What the customer asked for, in their words where possible.",
    )
    channel = forms.ChoiceField(
        label="How the change reached us",
        choices=[("", "— choose —"), *Channel.choices],
    )
    requested_by = forms.CharField(
        label="Who asked for it",
        max_length=200,
        help_text="Name and role at the customer, e.g. Jo Buyer (purchasing).",
    )


class AcknowledgeForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have read what changed and will take it into account.",
        error_messages={"required": "Tick the box to acknowledge the change."},
    )
