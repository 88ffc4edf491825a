"""{{ field|bootstrap_widget }}: a form field's input with Bootstrap's classes.

What crispy adds to an input (form-control or form-select, is-invalid when the
field has errors), without crispy's templates: the pages every user opens all day
(login, the order and communication lists' filters) render their few fields with
templates/_field.html, which cost a third of such a page's time through crispy.
"""

from django import forms, template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def bootstrap_widget(field: BoundField) -> SafeString:
    widget = field.field.widget
    css = widget.attrs.get("class") or (
        "form-select" if isinstance(widget, forms.Select) else "form-control"
    )
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})
