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
    # Optional: the customer's own request, filed as a communication on the order.
    request_subject = forms.CharField(
        label="Subject",
        required=False,
        max_length=300,
        help_text="Fill in to put the customer's request on file with the order.",
    )
    request_body = forms.CharField(
        label="Their request",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        help_text="Paste the e-mail or note what was said.",
    )
    request_attachment = forms.FileField(
        label="Their document (optional)",
        required=False,
        help_text="e.g. the revised purchase order or drawing.",
    )


class AcknowledgeForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have read what changed and will take it into account.",
        error_messages={"required": "Tick the box to acknowledge the change."},
    )
