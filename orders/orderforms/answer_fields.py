"""One Django field per question kind, with every limit of the question enforced on
the server (and mirrored in HTML attributes where browsers understand them)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import regex
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.utils.html import escape

from orderreview import textlimits
from orders.models import Question
from orders.orderforms.amount_field import AmountField
from orders.orderforms.answers import INTEGER_BOUND, NO, YES, question_choices
from orders.patterns import PatternTimeout, pattern_fullmatch, pattern_problem
from orders.uploads import (
    DEFAULT_MAX_FILE_SIZE_KB,
    file_extensions,
    upload_content_check,
)

Kind = Question.Kind

# Bounds that keep numbers inside what Question limits and PostgreSQL store, even
# when a question sets no limit of its own (14 digits before the point, 6 after).
NUMBER_MAX_DIGITS = 20
NUMBER_DECIMAL_PLACES = 6
# Up to this many choices show as radio buttons; more as a select.
RADIO_CHOICES_UP_TO = 6
YES_NO_CHOICES = [(YES, "Yes"), (NO, "No")]
TEXT_KINDS = frozenset({Kind.SHORT_TEXT, Kind.LONG_TEXT, Kind.EMAIL})


def _number(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _limit_attr(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


class _SelectionCount:
    """Validator: how many options a multiple-choice answer may tick."""

    def __init__(self, low: Decimal | None, high: Decimal | None) -> None:
        self.low = int(low) if low is not None else None
        self.high = int(high) if high is not None else None

    def __call__(self, value: list[str]) -> None:
        count = len(value or [])
        if not count:
            return
        if self.low is not None and count < self.low:
            raise ValidationError(f"Tick at least {self.low}.", code="too_few")
        if self.high is not None and count > self.high:
            raise ValidationError(f"Tick at most {self.high}.", code="too_many")


class _FileSize:
    def __init__(self, max_kb: int) -> None:
        self.max_kb = max_kb

    def __call__(self, upload: object) -> None:
        size = getattr(upload, "size", None)
        if size is not None and size > self.max_kb * 1024:
            raise ValidationError(
                f"The file is larger than {self.max_kb} KB.", code="file_too_large"
            )


class _StoredFileField(forms.FileField):
    """A file field whose initial may be a stored-upload dict, kept on re-submit."""

    def clean(self, data: object, initial: object = None) -> object:
        if not data and isinstance(initial, Mapping) and initial.get("path"):
            return dict(initial)
        if isinstance(initial, Mapping):
            initial = None
        return super().clean(data, initial)

    def has_changed(self, initial: object, data: object) -> bool:
        return bool(data)


class _Pattern:
    """Validator: the answer matches the question's pattern, under a time limit; a
    mismatch shows the form admin's hint when there is one."""

    def __init__(self, pattern: str, hint: str = "") -> None:
        self.pattern = pattern
        self.message = (
            f"Enter a value in the expected format: {hint.rstrip('.')}."
            if hint
            else "Enter a value in the expected format."
        )

    def __call__(self, value: str) -> None:
        try:
            matches = pattern_fullmatch(self.pattern, str(value))
        except PatternTimeout:
            raise ValidationError(
                "This answer could not be checked against the expected format. "
                "Shorten it, or tell us and we will fix the form.",
                code="pattern_timeout",
            ) from None
        if not matches:
            raise ValidationError(self.message, code="invalid")


def _text_validators(question: Question) -> list:
    if not question.pattern:
        return []
    try:
        regex.compile(question.pattern)
    except regex.error:
        return []  # the builder refuses bad patterns; never crash on an old one
    return [_Pattern(question.pattern, question.pattern_hint.strip())]


def _answer_length(question: Question) -> int:
    """A text answer's limit: the question's own, within what every answer obeys."""
    if question.kind == Kind.LONG_TEXT:
        default = textlimits.NOTE
    else:
        default = textlimits.SHORT_ANSWER
    return min(question.max_length or default, textlimits.BODY)


def _limit_messages(question: Question) -> dict[str, str]:
    """Limit messages as the admin wrote the limit, with its unit: "at most 150 mm"
    (Django's own would say "less than or equal to 150.000000")."""
    unit = f" {question.unit}" if question.unit else ""
    messages = {}
    if question.min_value is not None:
        low = _limit_attr(Decimal(question.min_value))
        messages["min_value"] = f"Enter at least {low}{unit}."
    if question.max_value is not None:
        high = _limit_attr(Decimal(question.max_value))
        messages["max_value"] = f"Enter at most {high}{unit}."
    return messages


def field_for(question: Question) -> forms.Field:
    """The Django field for one question; all limits enforced on the server."""
    kind = question.kind
    common: dict[str, Any] = {
        "label": question.label,
        # Form renderers print help text as HTML; the form admin's text is not HTML.
        "help_text": escape(question.help_text),
        "required": bool(question.required),
    }
    low, high = _number(question.min_value), _number(question.max_value)
    if kind in TEXT_KINDS:
        attrs: dict[str, Any] = {}
        # Browsers backtrack too: only a pattern that passes today's check is sent.
        if question.pattern and not pattern_problem(question.pattern):
            attrs["pattern"] = question.pattern
        if kind == Kind.LONG_TEXT:
            widget: forms.Widget = forms.Textarea(attrs={"rows": 4, **attrs})
            field_class: type[forms.CharField] = forms.CharField
        elif kind == Kind.EMAIL:
            widget = forms.EmailInput(attrs=attrs)
            field_class = forms.EmailField
        else:
            widget = forms.TextInput(attrs=attrs)
            field_class = forms.CharField
        return field_class(
            widget=widget,
            max_length=_answer_length(question),
            validators=_text_validators(question),
            **common,
        )
    if kind == Kind.INTEGER:
        return forms.IntegerField(
            min_value=int(low) if low is not None else -INTEGER_BOUND,
            max_value=int(high) if high is not None else INTEGER_BOUND,
            error_messages=_limit_messages(question),
            **common,
        )
    if kind == Kind.DECIMAL:
        field = forms.DecimalField(
            max_digits=NUMBER_MAX_DIGITS,
            decimal_places=NUMBER_DECIMAL_PLACES,
            min_value=low,
            max_value=high,
            error_messages=_limit_messages(question),
            **common,
        )
        field.widget.attrs["step"] = "any"
        return field
    if kind == Kind.DATE:
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **common,
        )
    if kind == Kind.YES_NO:
        return forms.TypedChoiceField(
            choices=YES_NO_CHOICES,
            coerce=lambda value: value == YES,
            empty_value=None,
            widget=forms.RadioSelect,
            **common,
        )
    if kind == Kind.SINGLE_CHOICE:
        choices = question_choices(question)
        if len(choices) <= RADIO_CHOICES_UP_TO:
            return forms.ChoiceField(
                choices=choices, widget=forms.RadioSelect, **common
            )
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    if kind == Kind.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=question_choices(question),
            widget=forms.CheckboxSelectMultiple,
            validators=[_SelectionCount(low, high)],
            **common,
        )
    if kind == Kind.FILE:
        extensions = file_extensions(question)
        validators: list = [
            _FileSize(question.max_file_size_kb or DEFAULT_MAX_FILE_SIZE_KB),
            # A .pdf that is not a PDF is refused, whatever the question allows.
            upload_content_check,
        ]
        attrs = {}
        if extensions:
            validators.append(FileExtensionValidator(allowed_extensions=extensions))
            attrs["accept"] = ",".join(f".{ext}" for ext in extensions)
        return _StoredFileField(
            widget=forms.FileInput(attrs=attrs),
            validators=validators,
            max_length=255,
            **common,
        )
    if kind == Kind.AMOUNT:
        return AmountField(
            currencies=[str(code) for code in question.currencies or []],
            min_value=low,
            max_value=high,
            **common,
        )
    raise ValueError(f"unknown question kind {kind!r}")


def html_limits(field: forms.Field, question: Question) -> None:
    """min/max for number inputs (IntegerField adds its own; decimals need them)."""
    if question.kind == Kind.DECIMAL:
        if question.min_value is not None:
            field.widget.attrs["min"] = _limit_attr(Decimal(question.min_value))
        if question.max_value is not None:
            field.widget.attrs["max"] = _limit_attr(Decimal(question.max_value))
