"""Forms for the customer's answer to the conditions of an acceptance: the public
portal form and the one customer service fill in for an answer given otherwise."""

from typing import Any

from django import forms

from communications.models import Communication
from orderreview import textlimits
from orderreview.forms import BoundedDateTimeField
from reviews.models import CustomerAgreement

ANSWERS = [
    (CustomerAgreement.State.AGREED, "I agree to the conditions"),
    (CustomerAgreement.State.DECLINED, "I decline the conditions"),
]


class PortalAnswerForm(forms.Form):
    """The customer's answer through the portal; "confirmed" is set by the
    confirmation step, so nothing is recorded from the first submit."""

    answer = forms.ChoiceField(
        label="Your answer", choices=ANSWERS, widget=forms.RadioSelect
    )
    name = forms.CharField(label="Your name", max_length=200)
    comment = forms.CharField(
        label="Comment (required when you decline: please tell us why)",
        required=False,
        max_length=textlimits.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        declined = cleaned.get("answer") == CustomerAgreement.State.DECLINED
        if declined and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", "Please tell us why you decline.")
        return cleaned


class RecordAnswerForm(forms.Form):
    """Customer service record an answer the customer gave by phone, e-mail, in a
    meeting or by letter, documented by a communication on the order: one already on
    file, or a new one made from what is typed here."""

    state = forms.ChoiceField(
        label="The customer",
        choices=[
            (CustomerAgreement.State.AGREED, "Agreed to the conditions"),
            (CustomerAgreement.State.DECLINED, "Declined the conditions"),
        ],
        widget=forms.RadioSelect,
    )
    answered_by_name = forms.CharField(
        label="Who answered (name as given)", max_length=200
    )
    answered_via = forms.ChoiceField(
        label="How",
        choices=[
            choice
            for choice in CustomerAgreement.Via.choices
            if choice[0] != CustomerAgreement.Via.PORTAL
        ],
    )
    answered_at = BoundedDateTimeField(
        label="When",
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    comment = forms.CharField(
        label="Their comment, or their reason for declining",
        required=False,
        max_length=textlimits.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    communication = forms.ModelChoiceField(
        label="Documented by a communication on file",
        queryset=Communication.objects.none(),
        required=False,
        empty_label="— a new one, from what I type below —",
    )
    note = forms.CharField(
        label="What the customer said (for a new communication)",
        required=False,
        max_length=textlimits.BODY,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, order: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["communication"]
        field.queryset = Communication.objects.filter(order=order).order_by(
            "-occurred_at", "-pk"
        )
        field.label_from_instance = lambda c: (
            f"{c.occurred_at:%Y-%m-%d %H:%M} — {c.get_direction_display()}, "
            f"{c.get_channel_display()}: {c.subject}"
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("communication") and not (cleaned.get("note") or "").strip():
            self.add_error(
                "note",
                "Choose the communication that documents the answer, or write "
                "what the customer said.",
            )
        return cleaned


class CloseDeclinedForm(forms.Form):
    reason = forms.CharField(
        label="Why the order is closed",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
