"""The order-form renderer: one Django form class per order form version.

What order intake, the portal and the catalog rely on:

    form_class = answer_form_class(version)
    form = form_class(data=None, files=None, initial=None, require_complete=True,
                      prefix=None)
    form.is_valid(); form.answers(); form.raw_answers()

and beside it answers_to_initial(version, answers), questions_visible(version,
answers) and display_value(question_or_kind, value) in orders.orderforms.answers,
store_upload(order_number=, key=, upload=, question=, public=) in orders.uploads.
The fields, one per question kind with its limits, come from
orders.orderforms.answer_fields.

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

from crispy_forms.bootstrap import AppendedText
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from orderreview.forms import TextFieldset
from orders.models import OrderFormVersion, Question
from orders.orderforms import line_form, lines
from orders.orderforms.answer_fields import field_for, html_limits
from orders.orderforms.answers import (
    NO,
    UNIT_KINDS,
    YES,
    answer_strings,
    display_value,
    questions_in_order,
    visible_question_keys,
)

Kind = Question.Kind

REQUIRED_MESSAGE = forms.Field.default_error_messages["required"]


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
        if isinstance(value, Mapping):
            # An amount {"amount": ..., "currency": ...}: the widget's two inputs.
            for index, part in enumerate(("amount", "currency")):
                if value.get(part) is not None:
                    normalised.setlist(f"{key}_{index}", [str(value.get(part))])
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
    # Repeating sections (orders.orderforms.lines) and the form class of one entry
    # of each; an entry's form has none of its own.
    line_sections: list[Any] = []
    entry_classes: list[type[AnswerForm]] = []
    # Set on an entry's form: what the questions asked once show and hold, which
    # its show-if rules may read.
    outer_visible: set[str] = set()
    outer_values: dict[str, list[str]] = {}
    outer_prefix: str | None = None

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
        # Each file field's help text before any "Stored: ..." is added, so
        # saying which file is stored again (a page keeping a new upload) says it
        # once.
        self._help_before_stored: dict[str, Any] = {}
        self.stored_files_describe(initial or {})
        self.line_groups = line_form.groups_build(self, dict(initial or {}))
        self.known_lines = lines.line_sections_of(initial or {})
        self.helper = self._helper()

    def stored_files_describe(self, initial: Mapping[str, Any]) -> None:
        """Say beside each file field which file is stored (a copied line's
        script drops the sentence: the copy starts without the file)."""
        for question in self.questions:
            if question.kind != Kind.FILE:
                continue
            stored = initial.get(question.key)
            field = self.fields[question.key]
            before = self._help_before_stored.setdefault(question.key, field.help_text)
            if not isinstance(stored, Mapping):
                # No longer stored (a held file gone): the sentence goes too.
                if field.help_text != before:
                    field.help_text = before
                    self._bound_fields_cache.pop(question.key, None)
                continue
            field.help_text = _help_join(
                before,
                format_html(
                    '<span class="formkit-stored-file">Stored: {}. Choose a file '
                    "to replace it.</span>",
                    str(stored.get("name", "")),
                ),
            )
            # A bound field copies its help text when made: made again.
            self._bound_fields_cache.pop(question.key, None)

    # -- layout

    def _helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        sections: list[tuple[str, list]] = []
        pending = list(enumerate(self.line_sections))
        for question in self.questions:
            while pending and pending[0][1].questions[0].position < question.position:
                sections.append(("", [line_form.LineEntries(pending.pop(0)[0])]))
            item = self._wrapped(question)
            if sections and sections[-1][0] == question.section:
                sections[-1][1].append(item)
            else:
                sections.append((question.section, [item]))
        for index, _group in pending:
            sections.append(("", [line_form.LineEntries(index)]))
        parts = []
        for title, items in sections:
            if self.outer_prefix is not None:
                # One entry of a line: its section's title is on the entries' box.
                parts.extend(items)
            elif title:
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
        elif question.kind == Kind.AMOUNT and len(question.currencies or []) == 1:
            inner = AppendedText(question.key, str(question.currencies[0]))
        else:
            inner = Field(question.key)
        attrs: dict[str, str] = {
            "data_formkit_key": question.key,
            "data_formkit_name": self.add_prefix(question.key),
        }
        if question.show_if_question:
            controller = question.show_if_question
            attrs["data_show_if_question"] = controller
            own = any(q.key == controller for q in self.questions)
            name = self.add_prefix(controller)
            if not own and self.outer_prefix is not None:
                # A line's rule on a question asked once: that question's field.
                name = "-".join(p for p in (self.outer_prefix, controller) if p)
            attrs["data_show_if_name"] = name
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
            values[question.key] = answer_strings(raw)
        return values

    def visible_keys(self) -> set[str]:
        """Keys shown for the submitted data (all keys for an unbound form)."""
        if not self.is_bound:
            return {question.key for question in self.questions}
        if self.outer_visible:
            values = {**self.outer_values, **self._submitted_strings()}
            shown = visible_question_keys(self.questions, values, self.outer_visible)
            return shown - self.outer_visible
        return visible_question_keys(self.questions, self._submitted_strings())

    def outer_strings(self) -> dict[str, list[str]]:
        """What the questions asked once hold, for the show-if rules of lines."""
        return self._submitted_strings() if self.is_bound else {}

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
        if self.line_groups:
            line_form.groups_clean(self, self.known_lines)
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
        if self.line_groups:
            result[lines.LINES] = line_form.lines_answers(
                self, raw=False, known=self.known_lines
            )
        return result

    def files_to_keep(self) -> dict[str, Any]:
        """The file answers a draft keeps: a new upload that passed its field's
        checks, else the stored one (a refused upload keeps the stored file)."""
        cleaned = getattr(self, "cleaned_data", {})
        kept: dict[str, Any] = {}
        for question in self.questions:
            if question.kind != Kind.FILE:
                continue
            value = cleaned.get(question.key)
            stored = self.initial.get(question.key)
            if value:
                kept[question.key] = value
            elif isinstance(stored, Mapping) and stored.get("path"):
                kept[question.key] = dict(stored)
        return kept

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
            if question.kind == Kind.AMOUNT:
                amount, currency = (list(value or []) + [None, None])[:2]
                if amount not in (None, ""):
                    raw[question.key] = {
                        "amount": _json_text(str(amount))[:100],
                        "currency": _json_text(str(currency or ""))[:10],
                    }
            elif isinstance(value, list | tuple):
                items = [_json_text(str(v)) for v in value if v not in (None, "")]
                if items:
                    raw[question.key] = items
            elif value not in (None, ""):
                raw[question.key] = _json_text(str(value))
        if self.line_groups:
            raw[lines.LINES] = line_form.lines_answers(
                self, raw=True, known=self.known_lines
            )
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
    fields: dict[str, Any] = {q.key: field_for(q) for q in ordered}
    for question in ordered:
        html_limits(fields[question.key], question)
    attrs: dict[str, Any] = {"questions": ordered, **fields}
    # The metaclass turns the field attributes into declared fields, in order.
    return type(AnswerForm)(name, (AnswerForm,), attrs)


def answer_form_class(version: OrderFormVersion) -> type[AnswerForm]:
    """The Django form class answering one version (draft, published or retired);
    the questions of its repeating sections are answered per entry."""
    return form_class_with_lines(
        questions_in_order(version), version.sections.all(), pk=version.pk or 0
    )


def form_class_with_lines(
    questions: Iterable[Question], sections: Iterable[Any], pk: int = 0
) -> type[AnswerForm]:
    """A form class for questions in any state, the questions of the repeating
    sections among `sections` answered per entry (the builder's live preview)."""
    ordered = sorted(questions, key=lambda q: (q.position, q.pk or 0))
    outer, groups = lines.split_questions(ordered, sections)
    form_class = form_class_for_questions(outer, name=f"AnswerFormV{pk}")
    if groups:
        form_class.line_sections = groups
        form_class.entry_classes = [
            _entry_class(group.questions, pk, index)
            for index, group in enumerate(groups)
        ]
    return form_class


def _entry_class(questions: list[Question], pk: int, index: int) -> type[AnswerForm]:
    entry_class = form_class_for_questions(questions, name=f"EntryFormV{pk}S{index}")
    entry_class.outer_prefix = ""
    return entry_class


def answers_by_label(form: AnswerForm) -> dict[str, str]:
    """What a checked preview would keep, by label; a line's answers as
    "Line 1 · Quantity" (the entries are numbered as they would be when saved)."""
    answers = form.answers()
    by_key = {q.key: q for q in form.questions}
    kept = {
        by_key[key].label: display_value(by_key[key], value)
        for key, value in answers.items()
        if key in by_key
    }
    for group in form.line_groups:
        questions = {q.key: q for q in group.section.questions}
        entries = answers.get(lines.LINES, {}).get(group.name, [])
        for number, entry in enumerate(entries, start=1):
            for key, value in entry["answers"].items():
                if key in questions:
                    label = f"{group.section.section.entry_label} {number}"
                    kept[f"{label} · {questions[key].label}"] = display_value(
                        questions[key], value
                    )
    return kept
