"""Stored answers of an order form: which questions they show, their typed form, and
the one display function every page, the PDF, notices, CSV and the signed content use.

Shared by the answer form (orders.orderforms.answer_form), the builder's import checks,
intake and the review record; nothing here builds a Django form.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile

from orders.models import OrderFormVersion, Question
from orders.money import money_from_answer
from orders.orderforms.sections import repeating_sections

Kind = Question.Kind

# Whole numbers stay inside what PostgreSQL's numeric limits of a Question store
# (14 digits before the point), even when a question sets no limit of its own.
INTEGER_BOUND = 10**14 - 1
YES, NO = "yes", "no"
# Kinds whose answers can drive a show-if rule (a file's content cannot, nor can
# an amount: its text is no fixed value to match).
CONTROLLER_KINDS = frozenset(set(Kind) - {Kind.FILE, Kind.AMOUNT})
UNIT_KINDS = frozenset({Kind.INTEGER, Kind.DECIMAL})


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


def answer_strings(value: object) -> list[str]:
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


def visible_question_keys(
    questions: Iterable[Question],
    values: Mapping[str, list[str]],
    given: Iterable[str] = (),
) -> set[str]:
    """Keys of visible questions. Questions must come in position order.

    A question whose controller is hidden is hidden too, so a chain of rules collapses
    the way a person reading the page would expect. `given`: keys already known to
    be shown (the questions asked once, for the questions of one line).
    """
    visible: set[str] = set(given)
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


def questions_in_order(version: OrderFormVersion) -> list[Question]:
    # A prefetch (version.questions.all() already cached) is honoured.
    return sorted(version.questions.all(), key=lambda q: (q.position, q.pk or 0))


def questions_visible(
    version: OrderFormVersion, answers: Mapping[str, Any]
) -> set[str]:
    """Keys of the questions visible for a stored answer dict."""
    values = {key: answer_strings(value) for key, value in answers.items()}
    # The questions of repeating sections are answered per line
    # (orders.orderforms.lines), never as one answer of the order.
    repeating = repeating_sections(version)
    questions = [q for q in questions_in_order(version) if q.section not in repeating]
    return visible_question_keys(questions, values)


def answers_to_initial(
    version: OrderFormVersion, answers: Mapping[str, Any]
) -> dict[str, Any]:
    """Stored answers (from answers() or raw_answers()) back into form `initial`."""
    initial = initial_values(questions_in_order(version), answers)
    # The lines (orders.orderforms.lines) travel as stored; each entry's form
    # turns its own answers into initial values.
    if "@lines" in answers:
        initial["@lines"] = answers["@lines"]
    return initial


def initial_values(
    questions: Iterable[Question], answers: Mapping[str, Any]
) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for question in questions:
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
    if kind == Kind.AMOUNT:
        # {"amount": "1,234.5", "currency": "EUR"} typed is {"1234.50", "EUR"}.
        money = money_from_answer(value)
        return money.as_answer() if money else value
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
    if kind == Kind.AMOUNT or (
        not kind and isinstance(value, Mapping) and {"amount", "currency"} == set(value)
    ):
        money = money_from_answer(value)
        if money:
            return str(money)
        if isinstance(value, Mapping):
            parts = (value.get("amount"), value.get("currency"))
            return " ".join(str(p) for p in parts if p not in (None, "")) or "—"
        return str(value)
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
