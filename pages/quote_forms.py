"""The forms that make an order from a reviewed quote: naming the quote on the New
order page, then how the customer's order reached us."""

from django import forms
from django.utils import timezone

from communications.forms import DateTimeInput
from communications.models import Communication
from orderreview import textlimits
from orderreview.forms import BoundedDateField, BoundedDateTimeField
from orders.forms import DATE_INPUT, DOCUMENTED, UNDOCUMENTED
from orders.models import Channel, Order
from pages.confirmation_forms import DATETIME_FORMATS


class QuoteNumberForm(forms.Form):
    """The quote a new order is for, by its number (QU-...)."""

    quote = forms.CharField(
        label="Quote number",
        max_length=30,
        help_text="The order answers a quote of ours: its requirements start as the "
        "reviewed quote's, and what differs is listed to resolve.",
    )

    def clean_quote(self) -> Order:
        number = self.cleaned_data["quote"].strip().upper()
        found = Order.objects.filter(number=number).first()
        if found is None:
            raise forms.ValidationError(
                f"There is no quote {number}: check the number on the quote."
            )
        if not found.is_quote:
            raise forms.ValidationError(f"{number} is an order, not a quote.")
        return found


class OrderFromQuoteForm(forms.Form):
    """How the customer's order reached us; for an expired quote, why it is used."""

    channel = forms.ChoiceField(
        label="How the order reached us",
        choices=[("", "— choose —"), *Channel.choices],
        error_messages={"required": "Choose the channel the order came through."},
    )
    customer_reference = forms.CharField(
        label="Customer's reference (their purchase order)",
        required=False,
        max_length=100,
    )
    requested_date = BoundedDateField(
        label="Requested delivery date", required=False, widget=DATE_INPUT
    )
    documented_statement = forms.TypedChoiceField(
        label="Did the customer give a documented statement of requirements?",
        choices=[
            (DOCUMENTED, "Yes: a purchase order, e-mail or portal form states them"),
            (UNDOCUMENTED, "No (phone, meeting): they must be confirmed"),
        ],
        coerce=lambda value: value == DOCUMENTED,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the customer documented them."},
    )

    def __init__(self, *args: object, quote: Order, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.expired = quote.quote_expired(timezone.localdate())
        if self.expired:
            self.fields["expired_note"] = forms.CharField(
                label=f"The quote expired on {quote.valid_until:%Y-%m-%d}: why is "
                "the order made from it anyway?",
                max_length=textlimits.NOTE,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text="Recorded on the order. Or renew the quote instead: a "
                "new revision, reviewed again.",
                error_messages={
                    "required": "Say why the expired quote is used, or renew it."
                },
            )

    def clean_requested_date(self):
        day = self.cleaned_data.get("requested_date")
        if day and day < timezone.localdate():
            raise forms.ValidationError("The requested date is in the past.")
        return day


class DifferenceAgreeForm(forms.Form):
    """Who at the customer agreed to a difference from the quote, when and how."""

    agreed_by_name = forms.CharField(
        label="Who at the customer agreed",
        max_length=200,
        help_text="e.g. Jo Buyer, purchasing",
        error_messages={"required": "Say who at the customer agreed."},
    )
    agreed_at = BoundedDateTimeField(
        label="When",
        widget=DateTimeInput,
        input_formats=DATETIME_FORMATS,
        error_messages={"required": "Say when they agreed."},
    )
    channel = forms.ChoiceField(
        label="How",
        choices=Communication.Channel.choices,
        initial=Communication.Channel.PHONE,
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DifferenceAcceptForm(forms.Form):
    """A reviewer of the difference's discipline accepts it, saying why."""

    reason = forms.CharField(
        label="Why the difference is acceptable",
        max_length=textlimits.NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the difference is acceptable."},
    )


class QuoteRenewForm(forms.Form):
    """A quote's new validity date and why; its requirements are reviewed again."""

    valid_until = BoundedDateField(
        label="Quote valid until",
        widget=DATE_INPUT,
        error_messages={"required": "Say until when the quote holds."},
    )
    reason = forms.CharField(
        label="Why the quote is renewed",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the quote is renewed."},
    )

    def clean_valid_until(self):
        day = self.cleaned_data.get("valid_until")
        if day and day < timezone.localdate():
            raise forms.ValidationError("The quote would already have expired.")
        return day
