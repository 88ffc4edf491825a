"""The lines of an order in the API: the answers' "@lines" object, checked for its
shape and turned into what the draft page posts, so the same answer form checks
each entry (orders.orderforms.line_form).

A client sends, beside the questions asked once,

    "@lines": {"Lines": [{"line": "L1", "answers": {"part": "AB-1", "qty": 500}},
                         {"answers": {"part": "CD-2", "qty": 20}}]}

A section named replaces that section's entries, in the order sent: an entry
with a "line" keeps that line (it must be one of the order's), one without is a
new line; a section not named keeps its stored entries. Errors are named by
their place: answers.@lines.<section>.<index>.<question key>.
"""

from collections.abc import Callable, Mapping
from typing import Any

from orders.models import OrderFormVersion, Question
from orders.orderforms import line_form, lines
from orders.orderforms.answer_form import AnswerForm
from orders.orderforms.answers import questions_in_order

FORM_PREFIX = "lines"  # line_form's prefix for an answer form without one
ENTRY_KEYS = {"line", "answers"}


def line_sections(version: OrderFormVersion) -> list[lines.LineSection]:
    """The version's repeating sections, in the answer form's order."""
    _outer, groups = lines.split_questions(
        questions_in_order(version), version.sections.all()
    )
    return groups


def _place(section: str, index: int | None = None, key: str | None = None) -> str:
    parts = ["answers", lines.LINES, section]
    if index is not None:
        parts.append(str(index))
    if key is not None:
        parts.append(key)
    return ".".join(parts)


def lines_shape_errors(
    version: OrderFormVersion,
    sent: Any,
    known: set[str],
    shape_error: Callable[[Question, Any], str | None],
) -> dict[str, list[str]]:
    """What in the sent "@lines" can be no entry of the version's sections: the
    answer form checks the values themselves. known: the order's line keys."""
    if not isinstance(sent, Mapping):
        return {
            f"answers.{lines.LINES}": [
                'Send an object of section name -> list of {"line", "answers"}.'
            ]
        }
    sections = {group.name: group for group in line_sections(version)}
    errors: dict[str, list[str]] = {}
    for name in sorted(sent, key=str):
        group = sections.get(name)
        if group is None:
            errors[_place(str(name)[:80])] = ["There is no such repeating section."]
            continue
        entries = sent[name]
        if not isinstance(entries, list):
            errors[_place(name)] = ['Send a list of {"line", "answers"} entries.']
            continue
        questions = {question.key: question for question in group.questions}
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            if not isinstance(entry, Mapping) or not set(entry) <= ENTRY_KEYS:
                errors[_place(name, index)] = [
                    'Send {"line": "L1", "answers": {...}}; leave out "line" '
                    "for a new line."
                ]
                continue
            line = entry.get("line")
            if line is not None:
                if not isinstance(line, str) or line not in known:
                    errors[_place(name, index, "line")] = [
                        f"This order has no line {str(line)[:20]!r}; leave out "
                        '"line" for a new line.'
                    ]
                elif line in seen:
                    errors[_place(name, index, "line")] = [
                        f"Line {line} is sent twice."
                    ]
                seen.add(str(line))
            answers = entry.get("answers", {})
            if not isinstance(answers, Mapping):
                errors[_place(name, index, "answers")] = [
                    "Send an object of question key -> answer."
                ]
                continue
            for key in sorted(answers, key=str):
                question = questions.get(key)
                if question is None:
                    errors[_place(name, index, str(key)[:80])] = [
                        f"There is no such question in {name}."
                    ]
                elif question.kind == Question.Kind.FILE:
                    errors[_place(name, index, key)] = [
                        "A file cannot be sent as a line's answer here."
                    ]
                elif message := shape_error(question, answers[key]):
                    errors[_place(name, index, key)] = [message]
    return errors


def lines_posted(
    version: OrderFormVersion, sent: Any, stored: Mapping[str, Any]
) -> dict[str, Any]:
    """Form data for every repeating section, as the draft page posts it: the sent
    entries of the sections named, the stored ones of the others (so every
    section is counted and checked, and nothing stored is dropped unasked)."""
    data: dict[str, Any] = {}
    fresh = 0
    for index, group in enumerate(line_sections(version)):
        base = f"{FORM_PREFIX}-{index}"
        entries = sent.get(group.name) if isinstance(sent, Mapping) else None
        if not isinstance(entries, list):
            entries = lines.entries_of(stored, group.name)
        keys = []
        for entry in entries:
            if not isinstance(entry, Mapping):
                continue
            line = entry.get("line")
            if not isinstance(line, str) or not lines.LINE_KEY_RE.match(line):
                fresh += 1
                line = f"{lines.NEW_PREFIX}{fresh}"
            keys.append(line)
            answers = entry.get("answers")
            for key, value in (answers if isinstance(answers, Mapping) else {}).items():
                data[f"{base}-{line}-{key}"] = value
        data[f"{base}-shown"] = "1"
        data[f"{base}-lines"] = keys
    return data


def lines_errors(form: AnswerForm) -> dict[str, list[str]]:
    """The entries' own errors, each named by its place in the body."""
    errors: dict[str, list[str]] = {}
    for group in form.line_groups:
        said = [e for e in group.errors if not e.endswith(line_form.ENTRY_PROBLEM)]
        if said:
            errors[_place(group.name)] = said
        for index, entry in enumerate(group.entries):
            for key, messages in entry.form.errors.items():
                place = _place(group.name, index, None if key == "__all__" else key)
                errors.setdefault(place, []).extend(messages)
    return errors
