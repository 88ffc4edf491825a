"""Input validation for change orders and acknowledgements (layout in templates)."""

from django import forms

from orders.models import Channel
from orders.services import UNDOCUMENTED_CHANNELS

WRITTEN, NOT_WRITTEN = "yes", "no"


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
    # ISO 9001 8.2.3.1: a change not given in writing is confirmed with the
    # customer before it is accepted. By e-mail, portal or EDI it is written unless
    # said otherwise; by phone or in person whoever raises it must say.
    documented_statement = forms.TypedChoiceField(
        label="Did the customer give this change in writing?",
        choices=[
            (WRITTEN, "Yes: an e-mail, letter, portal form or revised order states it"),
            (NOT_WRITTEN, "No: the change must be confirmed with the customer"),
        ],
        coerce=lambda value: value == WRITTEN,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text="Required for a change by phone or in person; otherwise Yes "
        "unless you choose No.",
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

    def clean(self) -> dict:
        cleaned = super().clean()
        if (
            cleaned.get("channel") in UNDOCUMENTED_CHANNELS
            and cleaned.get("documented_statement") is None
        ):
            self.add_error(
                "documented_statement",
                "The change came by phone or in person: say whether the customer "
                "also gave it in writing.",
            )
        return cleaned


class AcknowledgeForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have read what changed and will take it into account.",
        error_messages={"required": "Tick the box to acknowledge the change."},
    )
