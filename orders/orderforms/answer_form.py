"""The order-form renderer: one Django form class per order form version.

What order intake, the portal and the catalog rely on:

    form_class = answer_form_class(version)
    form = form_class(data=None, files=None, initial=None, require_complete=True,
                      prefix=None)
    form.is_valid(); form.answers(); form.raw_answers()
    answers_to_initial(version, answers); questions_visible(version, answers)
    display_value(question_or_kind, value)
    store_upload(order_number=, key=, upload=, question=, public=)  (orders.uploads)

Show-if rules are evaluated on the server in clean() on every submit, from what was
submitted, so the form works with JavaScript off; static/js/formkit.js mirrors them live
using the data attributes each question's wrapper carries.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import regex
from crispy_forms.bootstrap import AppendedText
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import FileExtensionValidator
from django.utils.datastructures import MultiValueDict
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString

from orderreview import textlimits
from orderreview.forms import TextFieldset
from orders.models import OrderFormVersion, Question
from orders.patterns import PatternTimeout, pattern_fullmatch, pattern_problem
from orders.uploads import (
    DEFAULT_MAX_FILE_SIZE_KB,
    file_extensions,
    upload_content_check,
)
from orders.uploads import store_upload as store_upload  # re-exported for intake

Kind = Question.Kind

# Bounds that keep numbers inside what Question limits and PostgreSQL store, even
# when a question sets no limit of its own (14 digits before the point, 6 after).
NUMBER_MAX_DIGITS = 20
NUMBER_DECIMAL_PLACES = 6
INTEGER_BOUND = 10**14 - 1
# Uploads without their own limit still stop somewhere.
RADIO_CHOICES_UP_TO = 6
YES, NO = "yes", "no"
YES_NO_CHOICES = [(YES, "Yes"), (NO, "No")]
# Kinds whose answers can drive a show-if rule (a file's content cannot).
CONTROLLER_KINDS = frozenset(set(Kind) - {Kind.FILE})
TEXT_KINDS = frozenset({Kind.SHORT_TEXT, Kind.LONG_TEXT, Kind.EMAIL})
UNIT_KINDS = frozenset({Kind.INTEGER, Kind.DECIMAL})
REQUIRED_MESSAGE = forms.Field.default_error_messages["required"]


# --- helpers shared with the builder and import ------------------------------------


def question_choices(question: Question) -> list[tuple[str, str]]:
    """(value, label) pairs: choices are stored as strings; pairs, dicts tolerated."""
    pairs: list[tuple[str, str]] = []
    for choice in question.choices or []:
        if isinstance(choice, Mapping):
            value = str(choice.get("value", ""))
            pairs.append((value, str(choice.get("label", value))))
        elif isinstance(choice, list | tuple) and len(choice) == 2:
            pairs.append((str(choice[0]), str(choice[1])))
        else:
            pairs.append((str(choice), str(choice)))
    return pairs


def _as_strings(value: object) -> list[str]:
    """An answer (typed or raw) as the strings a show-if rule compares against."""
    if value is None or value == "":
        return []
    if isinstance(value, bool):
        return [YES if value else NO]
    if isinstance(value, list | tuple):
        return [str(item) for item in value if item not in (None, "")]
    if isinstance(value, UploadedFile | Mapping):
        return []
    return [str(value).strip()]


def _visible(
    questions: Iterable[Question], values: Mapping[str, list[str]]
) -> set[str]:
    """Keys of visible questions. Questions must come in position order.

    A question whose controller is hidden is hidden too, so a chain of rules collapses
    the way a person reading the page would expect.
    """
    visible: set[str] = set()
    for question in questions:
        controller = question.show_if_question
        if controller:
            wanted = {str(v) for v in question.show_if_values or []}
            if controller not in visible or not wanted & set(
                values.get(controller, [])
            ):
                continue
        visible.add(question.key)
    return visible


def _ordered(version: OrderFormVersion) -> list[Question]:
    # A prefetch (version.questions.all() already cached) is honoured.
    return sorted(version.questions.all(), key=lambda q: (q.position, q.pk or 0))


def questions_visible(
    version: OrderFormVersion, answers: Mapping[str, Any]
) -> set[str]:
    """Keys of the questions visible for a stored answer dict."""
    values = {key: _as_strings(value) for key, value in answers.items()}
    return _visible(_ordered(version), values)


def answers_to_initial(
    version: OrderFormVersion, answers: Mapping[str, Any]
) -> dict[str, Any]:
    """Stored answers (from answers() or raw_answers()) back into form `initial`."""
    initial: dict[str, Any] = {}
    for question in _ordered(version):
        if question.key not in answers:
            continue
        value = answers[question.key]
        if question.kind == Kind.YES_NO and isinstance(value, bool):
            value = YES if value else NO
        elif question.kind == Kind.MULTIPLE_CHOICE and not isinstance(value, list):
            value = [value]
        initial[question.key] = value
    return initial


def _typed_one(question: Question, value: Any) -> Any:
    """One answer in the form a submitted revision holds it, when it parses.

    Text that does not parse (an unfinished draft) is kept as typed: nothing is lost.
    """
    kind = question.kind
    if kind == Kind.FILE or not isinstance(value, str | list | tuple):
        return value
    if kind == Kind.MULTIPLE_CHOICE:
        items = value if isinstance(value, list | tuple) else [value]
        return [str(item) for item in items]
    if isinstance(value, list | tuple):
        return value
    text = value.strip()
    if kind == Kind.INTEGER:
        try:
            number = int(text)
        except ValueError:
            return value
        return number if abs(number) <= INTEGER_BOUND else value
    if kind == Kind.DECIMAL:
        try:
            number = Decimal(text)
        except ArithmeticError:
            return value
        return str(number) if number.is_finite() else value
    if kind == Kind.YES_NO:
        return {YES: True, NO: False}.get(text.lower(), value)
    if kind == Kind.DATE:
        try:
            return datetime.date.fromisoformat(text).isoformat()
        except ValueError:
            return value
    # Text, e-mail, single choice: kept exactly as typed (a draft loses nothing).
    return value


def answers_typed(
    questions: Iterable[Question], answers: Mapping[str, Any]
) -> dict[str, Any]:
    """Answers with each value in its typed form (5000, True, "2026-03-01"), as the
    form's answers() gives them on submit; a draft saved with what was typed ("5000",
    "yes") then compares equal with an accepted revision. Unknown keys are kept."""
    by_key = {question.key: question for question in questions}
    result: dict[str, Any] = {}
    for key, value in answers.items():
        question = by_key.get(key)
        result[key] = value if question is None else _typed_one(question, value)
    return result


def display_value(question_or_kind: Question | str | None, value: Any) -> str:
    """Human text for a stored value: Yes/No, choice labels, dates, units, a file's
    name with its SHA-256 (never its storage path).

    The one display function for requirement values: pages, the PDF, notices, CSV
    and the signed content (format 2) all show what it returns, so what a reviewer
    read is what an approver signs. Without a question (a requirement typed by
    hand) the value's JSON type decides.
    """
    question = question_or_kind if isinstance(question_or_kind, Question) else None
    kind = question.kind if question else str(question_or_kind or "")
    if value is None or value == "" or value == []:
        return "—"
    labels = dict(question_choices(question)) if question else {}
    if kind == Kind.YES_NO or (not kind and isinstance(value, bool)):
        if isinstance(value, bool):
            return "Yes" if value else "No"
        return {YES: "Yes", NO: "No"}.get(str(value), str(value))
    if isinstance(value, list | tuple):
        return ", ".join(
            labels.get(str(item), display_value(None, item)) for item in value
        )
    if kind == Kind.SINGLE_CHOICE:
        return labels.get(str(value), str(value))
    if kind == Kind.DATE:
        try:
            day = datetime.date.fromisoformat(str(value))
        except ValueError:
            return str(value)
        return f"{day.day} {day:%B %Y}"
    if kind in UNIT_KINDS:
        unit = question.unit if question else ""
        return f"{value} {unit}".strip()
    if isinstance(value, Mapping):
        if kind == Kind.FILE or {"name", "path"} <= value.keys():
            return file_display(value)
        return "; ".join(f"{k}: {display_value(None, v)}" for k, v in value.items())
    if kind == Kind.FILE:
        return str(getattr(value, "name", value))
    return str(value)


def file_display(value: Mapping[str, Any]) -> str:
    """A stored file answer as people know it: its name and, when recorded at
    upload, the SHA-256 of its content (which file exactly was agreed)."""
    name = str(value.get("name") or "file")
    digest = value.get("sha256")
    return f"{name} (SHA-256 {digest})" if digest else name


# --- fields ---------------------------------------------------------------------------


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


def _field_for(question: Question) -> forms.Field:
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
    raise ValueError(f"unknown question kind {kind!r}")


def _html_limits(field: forms.Field, question: Question) -> None:
    """min/max for number inputs (IntegerField adds its own; decimals need them)."""
    if question.kind == Kind.DECIMAL:
        if question.min_value is not None:
            field.widget.attrs["min"] = _limit_attr(Decimal(question.min_value))
        if question.max_value is not None:
            field.widget.attrs["max"] = _limit_attr(Decimal(question.max_value))


# --- the form -------------------------------------------------------------------------


def _normalise_data(data: Mapping | None) -> Mapping | None:
    """Plain dicts (tests, API callers) become a MultiValueDict of strings.

    Browsers only ever send strings; anything else is turned into one, so a wrong type
    is a validation error, never a crash.
    """
    if data is None or isinstance(data, MultiValueDict):
        return data
    normalised = MultiValueDict()
    for key, value in data.items():
        if value is None:
            continue
        items = value if isinstance(value, list | tuple) else [value]
        strings = []
        for item in items:
            if isinstance(item, bool):
                strings.append(YES if item else NO)
            elif item is not None:
                strings.append(str(item))
        normalised.setlist(str(key), strings)
    return normalised


def _json_text(value: str) -> str:
    """Text PostgreSQL's jsonb accepts: no NUL, no lone surrogates."""
    value = value.replace("\x00", "")
    return value.encode("utf-8", "replace").decode("utf-8")


def _help_join(*parts: str) -> SafeString:
    """Help text pieces joined as escaped HTML (renderers print help text raw)."""
    return format_html_join(" ", "{}", ((part,) for part in parts if part))


class AnswerForm(forms.Form):
    """Base class of every rendered order form; subclasses carry the questions."""

    questions: list[Question] = []

    def __init__(
        self,
        data: Mapping | None = None,
        files: Mapping | None = None,
        initial: Mapping | None = None,
        require_complete: bool = True,
        prefix: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            data=_normalise_data(data),
            files=files,
            initial=initial,
            prefix=prefix,
            **kwargs,
        )
        self.require_complete = require_complete
        for question in self.questions:
            field = self.fields[question.key]
            # Marked required wherever it is shown (a draft too, so nobody learns it
            # from a failed submit); clean() forgives a missing answer while a draft
            # is only saved, and for a conditional question while it is hidden.
            field.required = bool(question.required)
            if question.show_if_question:
                # The browser must not demand an answer to a question it may hide.
                field.widget.use_required_attribute = lambda initial: False
            if (
                question.required
                and question.show_if_question
                and "Required when shown." not in field.help_text
            ):
                field.help_text = _help_join(field.help_text, "Required when shown.")
            stored = (initial or {}).get(question.key)
            if question.kind == Kind.FILE and isinstance(stored, Mapping):
                name = stored.get("name", "")
                field.help_text = _help_join(
                    field.help_text, f"Stored: {name}. Choose a file to replace it."
                )
        self.helper = self._helper()

    # -- layout

    def _helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        sections: list[tuple[str, list]] = []
        for question in self.questions:
            item = self._wrapped(question)
            if sections and sections[-1][0] == question.section:
                sections[-1][1].append(item)
            else:
                sections.append((question.section, [item]))
        parts = []
        for title, items in sections:
            if title:
                # Section titles are form text: shown literally, never compiled.
                parts.append(
                    TextFieldset(title, *items, css_class="formkit-section mb-3")
                )
            else:
                parts.append(Div(*items, css_class="formkit-section"))
        helper.layout = Layout(*parts)
        return helper

    def _wrapped(self, question: Question) -> Div:
        if question.kind in UNIT_KINDS and question.unit:
            inner: Any = AppendedText(question.key, question.unit)
        else:
            inner = Field(question.key)
        attrs: dict[str, str] = {
            "data_formkit_key": question.key,
            "data_formkit_name": self.add_prefix(question.key),
        }
        if question.show_if_question:
            attrs["data_show_if_question"] = question.show_if_question
            attrs["data_show_if_name"] = self.add_prefix(question.show_if_question)
            attrs["data_show_if_values"] = json.dumps(
                [str(v) for v in question.show_if_values or []]
            )
        return Div(inner, css_class="formkit-question", **attrs)

    # -- validation

    def _submitted_strings(self) -> dict[str, list[str]]:
        values: dict[str, list[str]] = {}
        for question in self.questions:
            if question.kind == Kind.FILE:
                continue
            field = self.fields[question.key]
            raw = field.widget.value_from_datadict(
                self.data, self.files, self.add_prefix(question.key)
            )
            values[question.key] = _as_strings(raw)
        return values

    def visible_keys(self) -> set[str]:
        """Keys shown for the submitted data (all keys for an unbound form)."""
        if not self.is_bound:
            return {question.key for question in self.questions}
        return _visible(self.questions, self._submitted_strings())

    def _forgive_missing(self, key: str) -> None:
        """Drop a "required" error: a draft may be saved unfinished."""
        kept = [
            error for error in self._errors[key].as_data() if error.code != "required"
        ]
        if kept:
            self._errors[key] = self.error_class(kept, renderer=self.renderer)
        else:
            del self._errors[key]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        visible = self.visible_keys()
        for question in self.questions:
            key = question.key
            if key in self._errors and not self.require_complete:
                self._forgive_missing(key)
            if key not in visible:
                # Hidden: never required, its errors dropped, its answer not kept.
                self._errors.pop(key, None)
                cleaned.pop(key, None)
                continue
            if (
                question.show_if_question
                and question.required
                and self.require_complete
                and key not in self._errors
                and _is_empty(cleaned.get(key))
            ):
                self.add_error(key, ValidationError(REQUIRED_MESSAGE, "required"))
        return cleaned

    # -- results

    def answers(self) -> dict[str, Any]:
        """key -> JSON-serialisable answer, visible and answered questions only.

        File questions yield the UploadedFile (store it with store_upload) or the
        stored dict kept from `initial`.
        """
        if not hasattr(self, "cleaned_data"):
            raise ValueError("answers() needs is_valid() first")
        result: dict[str, Any] = {}
        for question in self.questions:
            value = self.cleaned_data.get(question.key)
            if _is_empty(value):
                continue
            result[question.key] = _json_answer(question, value)
        return result

    def raw_answers(self) -> dict[str, Any]:
        """What the user typed, as JSON without files, to keep an unfinished draft."""
        if not self.is_bound:
            return {}
        raw: dict[str, Any] = {}
        for question in self.questions:
            if question.kind == Kind.FILE:
                continue
            field = self.fields[question.key]
            value = field.widget.value_from_datadict(
                self.data, self.files, self.add_prefix(question.key)
            )
            if isinstance(value, list | tuple):
                items = [_json_text(str(v)) for v in value if v not in (None, "")]
                if items:
                    raw[question.key] = items
            elif value not in (None, ""):
                raw[question.key] = _json_text(str(value))
        return raw


def _is_empty(value: object) -> bool:
    return value is None or value == "" or value == []


def _json_answer(question: Question, value: Any) -> Any:
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return value  # UploadedFile or stored dict


def form_class_for_questions(
    questions: Iterable[Question], name: str = "AnswerForm"
) -> type[AnswerForm]:
    """A form class for questions in any state (the builder previews unsaved ones)."""
    ordered = sorted(questions, key=lambda q: (q.position, q.pk or 0))
    fields: dict[str, Any] = {q.key: _field_for(q) for q in ordered}
    for question in ordered:
        _html_limits(fields[question.key], question)
    attrs: dict[str, Any] = {"questions": ordered, **fields}
    # The metaclass turns the field attributes into declared fields, in order.
    return type(AnswerForm)(name, (AnswerForm,), attrs)


def answer_form_class(version: OrderFormVersion) -> type[AnswerForm]:
    """The Django form class answering one version (draft, published or retired)."""
    return form_class_for_questions(
        _ordered(version), name=f"AnswerFormV{version.pk or 0}"
    )
