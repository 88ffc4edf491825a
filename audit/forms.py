"""Filter forms of the auditor's workspace (GET forms: they change nothing)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from audit.registry import tracked_models
from audit.selectors import Cursor, TimelineFilter, order_id_for_number
from orderreview.forms import (
    FAST_SELECT_RENDERER,
    BoundedDateField,
    BoundedDateTimeField,
)

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def _model_choices() -> list[tuple[str, str]]:
    return [("", "All records")] + [
        (model._meta.label_lower, str(model._meta.verbose_name).capitalize())
        for model in tracked_models()
    ]


class TimelineFilterForm(forms.Form):
    default_renderer = FAST_SELECT_RENDERER

    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.order_by("username"),
        required=False,
        empty_label="Anyone",
        label="User",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    model = forms.ChoiceField(
        choices=(),
        required=False,
        label="Record type",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    order = forms.CharField(
        required=False, max_length=30, label="Order number", strip=True
    )
    date_from = BoundedDateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = BoundedDateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    before = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = _model_choices()
        self.order_id: int | None = None

    def clean_order(self) -> str:
        number = self.cleaned_data["order"]
        if number:
            self.order_id = order_id_for_number(number)
            if self.order_id is None:
                raise forms.ValidationError(f"No order has the number {number}.")
        return number

    def clean_before(self) -> Cursor | None:
        token = self.cleaned_data["before"]
        if not token:
            return None
        try:
            return Cursor.decode(token)
        except ValueError:
            raise forms.ValidationError(
                "That page link is not valid; start again from the first page."
            ) from None

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def timeline_filter(self) -> TimelineFilter:
        data = self.cleaned_data
        user = data.get("user")
        return TimelineFilter(
            user_id=user.pk if user else None,
            model_label=data.get("model") or None,
            order_id=self.order_id,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


class AsOfForm(forms.Form):
    at = BoundedDateTimeField(
        label="As of (date and time)",
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "step": "1", "class": "form-control"},
            format="%Y-%m-%dT%H:%M:%S",
        ),
    )

    def clean_at(self):
        moment = self.cleaned_data["at"]
        if moment > timezone.now():
            raise forms.ValidationError("Choose a moment that has already happened.")
        return moment
