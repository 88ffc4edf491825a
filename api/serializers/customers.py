"""Customers as the API shows them. Input is checked by the web page's own form
(orders.forms.CustomerForm), so the API accepts exactly what the page accepts."""

from rest_framework import serializers

from orders.models import Customer
from orders.services import CUSTOMER_FIELDS


class CustomerSerializer(serializers.ModelSerializer):
    # Optional on the form: "" when not given, which no "format: email" admits.
    email = serializers.CharField(
        read_only=True, help_text="An e-mail address, or empty when not given."
    )

    class Meta:
        model = Customer
        fields = ("id", *CUSTOMER_FIELDS, "created_at")
        read_only_fields = fields


class CustomerInputSerializer(serializers.ModelSerializer):
    """The body of a create (name and account code required) or an update (any of
    the fields). Documents the input; CustomerForm validates it."""

    class Meta:
        model = Customer
        fields = CUSTOMER_FIELDS
