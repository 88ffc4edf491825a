"""Input validation for the intake pages (writes go through the services)."""

from collections.abc import Mapping

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from orderreview import textlimits
from orderreview.forms import FAST_SELECT_RENDERER, BoundedDateField
from orders.models import (
    Channel,
    Customer,
    Discipline,
    Order,
    OrderForm,
    OrderFormVersion,
    RequirementCategory,
)
from orders.selectors import ORDER_SORT_LABELS
from orders.services import (
    CATALOG_CUSTOMER_CODE,
    CUSTOMER_FIELDS,
    OrderHeader,
    mapped_fields,
)
from orders.uploads import public_upload_error

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DOCUMENTED, UNDOCUMENTED = "yes", "no"
MAPPABLE_HEADER_FIELDS = ("requested_date", "customer_reference")


def forms_in_use():
    """Active order forms that have a published version (the ones orders may use)."""
    published = OrderFormVersion.objects.filter(
        form=OuterRef("pk"), status=OrderFormVersion.Status.PUBLISHED
    )
    return OrderForm.objects.filter(active=True).filter(Exists(published))


def published_version(form: OrderForm) -> OrderFormVersion | None:
    return form.versions.filter(status=OrderFormVersion.Status.PUBLISHED).first()


class CustomerForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = CUSTOMER_FIELDS
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class CustomerSearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)


class OrderHeaderForm(forms.Form):
    """Who ordered, through which channel, with which form; a new customer inline."""

    customer = forms.ModelChoiceField(
        queryset=Customer.objects.exclude(account_code=CATALOG_CUSTOMER_CODE),
        required=False,
        empty_label="— choose, or enter a new customer below —",
    )
    new_customer_name = forms.CharField(
        label="New customer: name", required=False, max_length=200
    )
    new_customer_account_code = forms.CharField(
        label="New customer: account code", required=False, max_length=40
    )
    new_customer_contact_name = forms.CharField(
        label="New customer: contact person", required=False, max_length=200
    )
    # 254 as the customer's column: the form field's own default (320) let longer
    # addresses reach the database.
    new_customer_email = forms.EmailField(
        label="New customer: contact e-mail",
        required=False,
        max_length=254,
        help_text="Strongly recommended: without an e-mail address no notice "
        "(acknowledgement, decision, change) can be sent to this customer.",
    )
    new_customer_phone = forms.CharField(
        label="New customer: phone", required=False, max_length=50
    )
    form = forms.ModelChoiceField(
        label="Order form", queryset=OrderForm.objects.none(), empty_label="— choose —"
    )
    channel = forms.ChoiceField(choices=[("", "— choose —"), *Channel.choices])
    customer_reference = forms.CharField(
        label="Customer's reference", required=False, max_length=100
    )
    requested_date = BoundedDateField(
        label="Requested delivery date", required=False, widget=DATE_INPUT
    )
    # No default: whoever enters the order says which, because "documented" skips
    # the customer confirmation of ISO 9001 8.2.3.1.
    documented_statement = forms.TypedChoiceField(
        label="Did the customer give a documented statement of requirements?",
        choices=[
            (DOCUMENTED, "Yes: a purchase order, e-mail or portal form states them"),
            (
                UNDOCUMENTED,
                "No (phone, meeting): the requirements must be confirmed with "
                "the customer",
            ),
        ],
        coerce=lambda value: value == DOCUMENTED,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the customer documented them."},
    )

    def __init__(
        self,
        *args: object,
        order: Order | None = None,
        kind: str = Order.Kind.ORDER,
        **kwargs: object,
    ):
        super().__init__(*args, **kwargs)
        self.order = order
        self.kind = order.kind if order is not None else kind
        if self.kind == Order.Kind.QUOTE:
            self.fields["valid_until"] = BoundedDateField(
                label="Quote valid until",
                widget=DATE_INPUT,
                error_messages={"required": "Say until when the quote holds."},
            )
        # Header facts the form's answers supply: shown, not asked twice.
        # (header label, question label, current value)
        self.mapped: list[tuple[str, str, object]] = []
        if order is None:
            self.fields["form"].queryset = forms_in_use()
        else:
            # A draft keeps its form: its answers belong to that form's questions.
            del self.fields["form"]
            mapped = mapped_fields(order.form_version)
            for name in MAPPABLE_HEADER_FIELDS:
                if name in mapped:
                    label = self.fields.pop(name).label
                    self.mapped.append(
                        (label, mapped[name].label, getattr(order, name))
                    )

    def clean_valid_until(self):
        day = self.cleaned_data.get("valid_until")
        if day and day < timezone.localdate():
            raise forms.ValidationError("The quote would already have expired.")
        return day

    def clean_requested_date(self):
        day = self.cleaned_data.get("requested_date")
        if day and self.order is None and day < timezone.localdate():
            raise forms.ValidationError("The requested date is in the past.")
        return day

    def clean(self) -> dict:
        cleaned = super().clean()
        name = cleaned.get("new_customer_name", "").strip()
        code = cleaned.get("new_customer_account_code", "").strip()
        # A catalog request's draft comes with the new-customer fields filled in
        # from the request; choosing an existing customer instead is fine as long
        # as no account code was typed for a new one.
        prefilled = self.order is not None and self.order.customer_to_confirm
        if cleaned.get("customer") and (code or (name and not prefilled)):
            self.add_error(
                "customer", "Choose an existing customer or enter a new one, not both."
            )
        elif not cleaned.get("customer") and "customer" not in self.errors:
            if not (name or code):
                self.add_error("customer", "Choose the customer or enter a new one.")
            else:
                if not name:
                    self.add_error("new_customer_name", "Enter the customer's name.")
                if not code:
                    self.add_error(
                        "new_customer_account_code", "Enter an account code."
                    )
                elif Customer.objects.filter(account_code__iexact=code).exists():
                    self.add_error(
                        "new_customer_account_code",
                        "A customer with this account code exists: choose it above.",
                    )
        if self.order is None and cleaned.get("form"):
            version = published_version(cleaned["form"])
            if version is None:
                self.add_error("form", "This order form has no published version.")
            cleaned["form_version"] = version
        return cleaned

    def service_kwargs(self) -> OrderHeader:
        """The header for order_create / order_header_update."""
        cleaned = self.cleaned_data
        new_customer = None
        if not cleaned.get("customer"):
            new_customer = {
                "name": cleaned["new_customer_name"],
                "account_code": cleaned["new_customer_account_code"],
                "contact_name": cleaned.get("new_customer_contact_name", ""),
                "email": cleaned.get("new_customer_email", ""),
                "phone": cleaned.get("new_customer_phone", ""),
            }
        return {
            "customer": cleaned.get("customer"),
            "new_customer": new_customer,
            "channel": cleaned["channel"],
            "customer_reference": cleaned.get("customer_reference", ""),
            "requested_date": cleaned.get("requested_date"),
            "documented_statement": cleaned["documented_statement"],
            "kind": self.kind,
            "valid_until": cleaned.get("valid_until"),
        }


def header_initial(order: Order) -> dict:
    initial = {
        "customer": None if order.customer_to_confirm else order.customer_id,
        "channel": order.channel,
        "customer_reference": order.customer_reference,
        "requested_date": order.requested_date,
        "documented_statement": (
            DOCUMENTED if order.documented_statement else UNDOCUMENTED
        ),
        "valid_until": order.valid_until,
    }
    if order.customer_to_confirm:
        initial.update(catalog_customer_initial(order.contact_details or {}))
    return initial


def catalog_customer_initial(contact: Mapping[str, str]) -> dict[str, str]:
    """The new-customer fields filled from a catalog request's contact details, so
    the customer created from the request keeps the requester's e-mail and phone."""
    return {
        "new_customer_name": contact.get("company") or contact.get("name", ""),
        "new_customer_contact_name": contact.get("name", ""),
        "new_customer_email": contact.get("email", ""),
        "new_customer_phone": contact.get("phone", ""),
    }


# A filter's customer drop-down lists at most this many (by name): thousands of
# options would make every list page heavy. The selected one is always listed, and
# the search box or the customer's own page finds any other.
CUSTOMER_CHOICES_AT_MOST = 30


def customer_filter_queryset(selected: object) -> QuerySet[Customer]:
    """The customers a filter's drop-down offers: the first ones by name, and the
    selected one (validation looks the selected one up in this queryset too)."""
    first = Customer.objects.order_by("name", "pk").values("pk")[
        :CUSTOMER_CHOICES_AT_MOST
    ]
    wanted = Q(pk__in=Subquery(first))
    if str(selected or "").isdigit():
        wanted |= Q(pk=int(selected))
    return Customer.objects.filter(wanted).order_by("name", "pk")


class OrderFilterForm(forms.Form):
    default_renderer = FAST_SELECT_RENDERER

    q = forms.CharField(label="Search", required=False, max_length=100)
    kind = forms.ChoiceField(
        label="Quotes / orders",
        required=False,
        choices=[("", "Quotes and orders"), ("order", "Orders"), ("quote", "Quotes")],
    )
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *Order.Status.choices]
    )
    customer = forms.ModelChoiceField(
        queryset=Customer.objects.all(), required=False, empty_label="Any customer"
    )
    form = forms.ModelChoiceField(
        label="Order form",
        queryset=OrderForm.objects.all(),
        required=False,
        empty_label="Any form",
    )
    channel = forms.ChoiceField(
        required=False, choices=[("", "Any channel"), *Channel.choices]
    )
    date_from = BoundedDateField(
        label="Entered from", required=False, widget=DATE_INPUT
    )
    date_to = BoundedDateField(label="Entered until", required=False, widget=DATE_INPUT)
    to_assess = forms.ModelChoiceField(
        label="Still to assess by",
        queryset=Discipline.objects.all(),
        required=False,
        empty_label="Any discipline",
    )
    sort = forms.ChoiceField(
        required=False, choices=list(ORDER_SORT_LABELS.items()), initial="newest"
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customer_filter_queryset(
            self.data.get("customer")
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned


class RequirementForm(forms.Form):
    statement = forms.CharField(
        label="Requirement",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=textlimits.NOTE,
    )
    category = forms.ChoiceField(
        choices=[("", "— choose —"), *RequirementCategory.choices]
    )
    discipline = forms.ModelChoiceField(
        queryset=Discipline.objects.all(),
        label="Discipline that assesses it",
        empty_label="— choose —",
    )


class PortalLinkForm(forms.Form):
    label = forms.CharField(
        label="Label (optional)",
        required=False,
        max_length=100,
        help_text="Who you send it to, e.g. Jo Buyer, purchasing. Shown only here.",
    )


class ContactForm(forms.Form):
    """Who is asking, on the public catalog request page."""

    name = forms.CharField(label="Your name", max_length=200)
    company = forms.CharField(label="Company", max_length=200, required=False)
    email = forms.EmailField(label="E-mail", max_length=254)
    phone = forms.CharField(label="Phone", max_length=50, required=False)
    reference = forms.CharField(
        label="Your reference (optional)", max_length=100, required=False
    )


def public_upload_errors(files: Mapping[str, UploadedFile]) -> dict[str, str]:
    """Field name -> why people without an account may not send that file."""
    errors = {}
    for name, upload in files.items():
        refusal = public_upload_error(upload)
        if refusal:
            errors[name] = refusal
    return errors
