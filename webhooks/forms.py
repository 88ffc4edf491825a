from django import forms
from django.core.validators import URLValidator

from orderreview import textlimits
from orders.models import Customer
from webhooks.models import URL_MAX_LENGTH, EventType, WebhookEndpoint
from webhooks.urlsafety import url_problem


class EndpointForm(forms.Form):
    url = forms.CharField(
        label="URL",
        max_length=URL_MAX_LENGTH,
        help_text="Where we POST each event, e.g. https://erp.example.com/hooks/orderreview.",
    )
    description = forms.CharField(
        max_length=textlimits.LABEL,
        required=False,
        help_text="Which system this is, for the list.",
    )
    events = forms.MultipleChoiceField(
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )
    customer_code = forms.CharField(
        label="Only this customer (account code)",
        max_length=40,
        required=False,
        help_text="Leave empty to receive every customer's orders.",
    )
    active = forms.BooleanField(required=False, initial=True)

    @classmethod
    def for_endpoint(cls, endpoint: WebhookEndpoint) -> "EndpointForm":
        return cls(
            initial={
                "url": endpoint.url,
                "description": endpoint.description,
                "events": endpoint.events,
                "customer_code": endpoint.customer.account_code
                if endpoint.customer
                else "",
                "active": endpoint.active,
            }
        )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        problem = url_problem(url)
        if problem:
            raise forms.ValidationError(problem)
        URLValidator(schemes=["http", "https"], message="This is not a valid URL.")(url)
        return url

    def clean_customer_code(self) -> Customer | None:
        code = self.cleaned_data["customer_code"].strip()
        if not code:
            return None
        customer = Customer.objects.filter(account_code=code).first()
        if customer is None:
            raise forms.ValidationError("No customer has this account code.")
        return customer
