"""Input validation for the customer-property register; the services write."""

from django import forms
from django.utils import timezone

from communications.forms import DateInput, DateTimeInput
from communications.models import Communication, CustomerProperty
from communications.property_selectors import OPEN_PROBLEMS
from orderreview import textlimits
from orderreview.forms import BoundedDateField, BoundedDateTimeField
from orders.forms import customer_filter_queryset
from orders.models import Customer, Order
from orders.services import CATALOG_CUSTOMER_CODE

Status = CustomerProperty.Status


class PropertyFilterForm(forms.Form):
    q = forms.CharField(
        label="Search description and location", required=False, max_length=100
    )
    customer = forms.ModelChoiceField(
        queryset=Customer.objects.order_by("name"), required=False, empty_label="Any"
    )
    status = forms.ChoiceField(
        choices=[("", "Any"), (OPEN_PROBLEMS, "Problems not yet closed")]
        + list(Status.choices),
        required=False,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customer_filter_queryset(
            self.data.get("customer")
        )


class PropertyReceiveForm(forms.Form):
    # Not the catalog requests' placeholder: property belongs to a real customer.
    customer = forms.ModelChoiceField(
        queryset=Customer.objects.exclude(account_code=CATALOG_CUSTOMER_CODE).order_by(
            "name"
        )
    )
    order = forms.CharField(
        label="Order number",
        required=False,
        max_length=30,
        help_text="The order it was sent for, e.g. SO-2026-000042 (optional).",
    )
    kind = forms.ChoiceField(label="What it is", choices=CustomerProperty.Kind.choices)
    description = forms.CharField(
        max_length=200,
        help_text="Enough to recognise it: part or drawing number, quantity, serial.",
    )
    received_on = BoundedDateField(
        label="Received on", widget=DateInput, initial=timezone.localdate
    )
    condition_on_receipt = forms.CharField(
        label="Condition on receipt",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=textlimits.NOTE,
    )
    location = forms.CharField(
        label="Where it is kept", max_length=200, help_text="Store, shelf, folder."
    )

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
        if order and order.customer_to_confirm:
            self.add_error(
                "order", f"Confirm who the customer of {order.number} is first."
            )
        elif order and customer and order.customer_id != customer.pk:
            self.add_error(
                "order", f"Order {order.number} belongs to another customer."
            )
        return data


class PropertyMoveForm(forms.Form):
    location = forms.CharField(label="Now kept at", max_length=200)


class PropertyReleaseForm(forms.Form):
    status = forms.ChoiceField(
        label="What happened to it",
        choices=[
            (status.value, status.label)
            for status in (Status.RETURNED, Status.INCORPORATED)
        ],
        widget=forms.RadioSelect,
    )


class ProblemReportForm(forms.Form):
    problem = forms.ChoiceField(
        choices=[
            (status.value, status.label)
            for status in (Status.LOST, Status.DAMAGED, Status.UNSUITABLE)
        ],
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label="What happened, and what you told the customer",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=textlimits.BODY,
    )
    channel = forms.ChoiceField(
        label="How the customer was told", choices=Communication.Channel.choices
    )
    occurred_at = BoundedDateTimeField(
        label="When they were told", widget=DateTimeInput, initial=timezone.now
    )


class ProblemCloseForm(forms.Form):
    resolution = forms.CharField(
        label="How it was resolved",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=textlimits.NOTE,
    )
