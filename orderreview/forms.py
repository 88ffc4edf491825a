"""Form helpers shared by every app's views."""

import datetime
from typing import Any

from crispy_forms.layout import LayoutObject
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.template import Context
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


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


SELECT_TEMPLATE = "django/forms/widgets/select.html"


def select_html(widget: dict[str, Any]) -> SafeString:
    """A select widget's HTML from its context, as Django's select.html and
    select_option.html write it: every value, label and attribute escaped."""

    def options(choices: list[dict[str, Any]]) -> SafeString:
        return format_html_join(
            "",
            '\n  <option value="{}"{}>{}</option>',
            ((str(o["value"]), flatatt(o["attrs"]), o["label"]) for o in choices),
        )

    groups = format_html_join(
        "",
        "{}",
        (
            (
                format_html(
                    '\n  <optgroup label="{}">{}\n  </optgroup>', name, options(choices)
                )
                if name
                else options(choices),
            )
            for name, choices, _ in widget["optgroups"]
        ),
    )
    return format_html(
        '<select name="{}"{}>{}\n</select>',
        widget["name"],
        flatatt(widget["attrs"]),
        groups,
    )


class FastSelectRenderer(DjangoTemplates):
    """Renders select widgets in Python, everything else with Django's templates.

    Django renders each option through two included templates: on a filter form of
    a few dozen options that was most of a list page's rendering. Forms of pages
    every user opens all day set default_renderer to it."""

    def render(self, template_name: str, context: dict, request: Any = None) -> str:
        if template_name == SELECT_TEMPLATE:
            return select_html(context["widget"])
        return super().render(template_name, context, request=request)


# One for the process: a renderer builds its template engine once.
FAST_SELECT_RENDERER = FastSelectRenderer()


class TextFieldset(LayoutObject):
    """A crispy fieldset whose legend is text, shown literally.

    crispy's own Fieldset compiles its legend as a Django template, so a section
    title "{{ request.user.password }}" typed into an order form would run. This one
    escapes the legend and never compiles it.
    """

    def __init__(self, legend: str, *fields: Any, css_class: str = "") -> None:
        self.legend = str(legend)
        self.fields = list(fields)
        self.css_class = css_class

    def render(
        self,
        form: forms.Form,
        context: Context,
        template_pack: str = TEMPLATE_PACK,
        **kwargs: Any,
    ) -> SafeString:
        rendered = self.get_rendered_fields(form, context, template_pack, **kwargs)
        return format_html(
            '<fieldset class="{}"><legend>{}</legend>{}</fieldset>',
            self.css_class,
            self.legend,
            rendered,
        )


# Dates the application can work with: filters add a day and convert time zones, and
# PostgreSQL's range is wider than Python's, so 9999-12-31 must stop at the form.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2999, 12, 31)
DATE_RANGE_MESSAGE = "Enter a date between 1 January 1900 and 31 December 2999."


class BoundedDateField(forms.DateField):
    """A DateField that refuses dates outside EARLIEST_DATE..LATEST_DATE."""

    def to_python(self, value: Any) -> datetime.date | None:
        day = super().to_python(value)
        if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
            raise ValidationError(DATE_RANGE_MESSAGE, code="date_range")
        return day


class BoundedDateTimeField(forms.DateTimeField):
    """A DateTimeField that refuses moments outside EARLIEST_DATE..LATEST_DATE."""

    def to_python(self, value: Any) -> datetime.datetime | None:
        try:
            moment = super().to_python(value)
        except OverflowError:
            raise ValidationError(DATE_RANGE_MESSAGE, code="date_range") from None
        if moment is not None and not EARLIEST_DATE <= moment.date() <= LATEST_DATE:
            raise ValidationError(DATE_RANGE_MESSAGE, code="date_range")
        return moment
