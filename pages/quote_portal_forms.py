"""Forms of a quote's link: the staff form that creates one, and the customer's
two answers through it (accept, ask for changes)."""

from django import forms

from orderreview import textlimits


class QuoteLinkForm(forms.Form):
    label = forms.CharField(
        label="Sent to (optional)",
        required=False,
        max_length=100,
        help_text="e.g. Jo Buyer, purchasing: tells this link from others.",
    )


class QuoteAcceptForm(forms.Form):
    """The customer accepts the revision they read (its number travels with the
    form: a newer revision since the page was opened is refused)."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    name = forms.CharField(
        label="Your name",
        max_length=200,
        error_messages={"required": "Type your name to accept the quote."},
    )


class QuoteChangesForm(forms.Form):
    """The customer asks for changes: filed as a communication on the quote."""

    changes_name = forms.CharField(
        label="Your name",
        max_length=200,
        error_messages={"required": "Type your name so we know who asks."},
    )
    message = forms.CharField(
        label="What should change",
        max_length=textlimits.BODY,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Tell us what should change."},
    )
