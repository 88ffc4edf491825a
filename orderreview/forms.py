"""Form helpers shared by every app's views."""

from django import forms
from django.core.exceptions import ValidationError


def form_errors_add(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError beside the fields it names, or above the form.

    Services raise errors keyed by their own argument names; a key the form has no
    field for goes to the top of the form so no message is ever lost.
    """
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
