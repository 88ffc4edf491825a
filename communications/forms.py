"""Input validation for the communications pages; the services do the writing."""

from django import forms
from django.utils import timezone

from communications.models import (
    Communication,
    NoticeTemplate,
    Offering,
    OutboundNotice,
)
from orderreview import textlimits
from orderreview.forms import (
    FAST_SELECT_RENDERER,
    BoundedDateField,
    BoundedDateTimeField,
)
from orders.forms import customer_filter_queryset
from orders.models import Customer, Order, OrderForm, StatutoryRequirement


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: object) -> None:
        # A date input takes ISO dates only: a localised initial value shows empty.
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


# Filter value for everything still to deal with (open or in progress).
PENDING = "pending"


def _blank(choices: type) -> list[tuple[str, str]]:
    return [("", "Any")] + [(value, label) for value, label in choices.choices if value]


class CommunicationFilterForm(forms.Form):
    default_renderer = FAST_SELECT_RENDERER

    q = forms.CharField(label="Search subject and text", required=False)
    customer = forms.ModelChoiceField(
        queryset=Customer.objects.order_by("name"), required=False, empty_label="Any"
    )
    order = forms.CharField(label="Order number", required=False, max_length=30)
    kind = forms.ChoiceField(choices=_blank(Communication.Kind), required=False)
    direction = forms.ChoiceField(
        choices=_blank(Communication.Direction), required=False
    )
    channel = forms.ChoiceField(choices=_blank(Communication.Channel), required=False)
    follow_up = forms.ChoiceField(
        label="Follow-up",
        choices=_blank(Communication.FollowUp) + [(PENDING, "Open or in progress")],
        required=False,
    )
    occurred_from = BoundedDateField(label="From", required=False, widget=DateInput)
    occurred_to = BoundedDateField(label="To", required=False, widget=DateInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customer_filter_queryset(
            self.data.get("customer")
        )

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("occurred_from"), data.get("occurred_to")
        if start and end and start > end:
            self.add_error("occurred_to", "The end date is before the start date.")
        return data


class CommunicationForm(forms.Form):
    customer = forms.ModelChoiceField(queryset=Customer.objects.order_by("name"))
    order = forms.CharField(
        label="Order number",
        required=False,
        max_length=30,
        help_text="Optional: the order this is about, e.g. SO-2026-000042.",
    )
    direction = forms.ChoiceField(choices=Communication.Direction.choices)
    channel = forms.ChoiceField(choices=Communication.Channel.choices)
    kind = forms.ChoiceField(
        choices=Communication.Kind.choices,
        help_text="Feedback and complaints are followed up until closed.",
    )
    subject = forms.CharField(max_length=200)
    body = forms.CharField(
        label="Text",
        widget=forms.Textarea,
        required=False,
        max_length=textlimits.BODY,
    )
    occurred_at = BoundedDateTimeField(
        label="When it happened", widget=DateTimeInput, initial=timezone.now
    )
    attachment = forms.FileField(
        required=False,
        help_text="Optional: PDF, image, Word, Excel, text or e-mail file, "
        "at most 10 MB.",
    )

    def clean_subject(self) -> str:
        # Shown on one line in the log, its lists and an API client's: the same
        # rule as a customer's one-line fields.
        subject = self.cleaned_data["subject"]
        if any(c in subject for c in "\r\n"):
            raise forms.ValidationError("One line only: remove the line break.")
        return subject

    def clean_order(self) -> Order | None:
        number = self.cleaned_data["order"].strip()
        if not number:
            return None
        order = Order.objects.select_related("customer").filter(number=number).first()
        if order is None:
            raise forms.ValidationError(f"There is no order {number}.")
        return order

    def clean(self) -> dict:
        data = super().clean()
        order, customer = data.get("order"), data.get("customer")
        if order and customer and order.customer_id != customer.pk:
            self.add_error(
                "order", f"Order {order.number} belongs to another customer."
            )
        return data


class FollowUpForm(forms.Form):
    state = forms.ChoiceField(
        label="New state",
        choices=[
            (value, label) for value, label in Communication.FollowUp.choices if value
        ],
    )
    resolution = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=textlimits.NOTE,
        help_text="Needed to close it: what was done, and what the customer was told.",
    )


class AttachmentForm(forms.Form):
    attachment = forms.FileField(
        help_text="PDF, image, Word, Excel, text or e-mail file, at most 10 MB."
    )


class OfferingForm(forms.ModelForm):
    order_form = forms.ModelChoiceField(
        queryset=OrderForm.objects.order_by("name"),
        help_text="The form a customer fills in to order this.",
    )
    statutory_requirements = forms.ModelMultipleChoiceField(
        queryset=StatutoryRequirement.objects.filter(active=True).order_by("reference"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Applicable regulations",
        help_text="Shown in the catalog; reviews of orders on its form confirm them.",
    )

    class Meta:
        model = Offering
        fields = [
            "name",
            "description",
            "order_form",
            "statutory_requirements",
            "active",
            "position",
        ]


class NoticeTemplateForm(forms.ModelForm):
    class Meta:
        model = NoticeTemplate
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 18})}


class NoticeFilterForm(forms.Form):
    status = forms.ChoiceField(choices=_blank(OutboundNotice.Status), required=False)


class CatalogClaimForm(forms.Form):
    offering = forms.ModelChoiceField(
        queryset=Offering.objects.order_by("position", "name", "pk"),
        required=False,
        empty_label="The whole company",
        help_text="The offering it is about, or the whole company.",
    )
    statement = forms.CharField(
        label="What is claimed",
        max_length=200,
        help_text="As the catalog shows it, e.g. “ISO 9001:2015 certified, "
        "certificate 12345 (TÜV)”.",
    )
    valid_until = BoundedDateField(label="Valid until", widget=DateInput)
    evidence = forms.FileField(
        required=False,
        help_text="The certificate or other evidence: PDF, image, Word, Excel or "
        "text, at most 10 MB. When changing a claim, leave empty to keep the file.",
    )
