"""The body of a new draft order, for the schema. The web's own forms check it:
orders.forms.OrderHeaderForm for the header, the form version's answer form for
the answers."""

from rest_framework import serializers

from orders.models import Channel


class OrderCreateSerializer(serializers.Serializer):
    customer = serializers.IntegerField(
        required=False, help_text="An existing customer's id; or the new_customer_*."
    )
    new_customer_name = serializers.CharField(required=False)
    new_customer_account_code = serializers.CharField(required=False)
    new_customer_contact_name = serializers.CharField(required=False)
    new_customer_email = serializers.EmailField(required=False)
    new_customer_phone = serializers.CharField(required=False)
    form = serializers.SlugField(help_text="The order form's slug (published).")
    channel = serializers.ChoiceField(choices=Channel.choices)
    customer_reference = serializers.CharField(required=False)
    requested_date = serializers.DateField(required=False)
    documented_statement = serializers.BooleanField(
        help_text="Did the customer give a documented statement of requirements?"
    )
    answers = serializers.DictField(
        required=False,
        help_text="Question key -> answer (text, number, true/false, a list for "
        "multiple choice); the version's questions say what each takes.",
    )
    submit = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Submit for review at once: every required, visible question "
        "must then be answered.",
    )
