"""The token page's form."""

from django import forms

from api.services import NAME_MAX_LENGTH


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX_LENGTH,
        required=False,
        help_text="Which program or script will use it, e.g. “ERP import”.",
    )
