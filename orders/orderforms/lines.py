"""The lines of an order: answers of repeating sections, as a revision stores them.

A revision's answers hold the questions asked once by key, as always, and beside
them the entries of each repeating section (orders.orderforms.sections):

    {"po": "4500123",
     "@lines": {"Lines": [{"line": "L1", "answers": {"part": "AB-1", "qty": 500}},
                          {"line": "L3", "answers": {"part": "AB-7"}}]},
     "@next_line": 4}

A line's key ("L1", "L2", ...) is given when the line is first saved and never
reused within the order: a change order copies the answers, so "L2 removed" and
"L3 added" stay two facts. "@" cannot start a question key, so nothing clashes.
Entries posted before they have a key carry "new-..." until they are saved.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from orders.models import FormSection, Question
from orders.orderforms.answers import (
    answer_strings,
    answers_typed,
    visible_question_keys,
)

LINES = "@lines"
NEXT_LINE = "@next_line"
LINE_KEY_RE = re.compile(r"^L[1-9][0-9]{0,5}$")
NEW_PREFIX = "new-"
# Requirement keys of a line's answers: "L3.thickness" (a question key has no dot).
KEY_SEPARATOR = "."


@dataclass
class LineSection:
    """A repeating section with its questions, in question order."""

    section: FormSection
    questions: list[Question] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.section.name


def split_questions(
    questions: Iterable[Question], sections: Iterable[FormSection]
) -> tuple[list[Question], list[LineSection]]:
    """(questions asked once, repeating sections with their questions)."""
    repeating = {s.name: LineSection(s) for s in sections if s.repeating}
    outer: list[Question] = []
    found: list[LineSection] = []
    for question in questions:
        group = repeating.get(question.section)
        if group is None:
            outer.append(question)
            continue
        if not group.questions:
            found.append(group)
        group.questions.append(question)
    return outer, found


def entries_of(answers: Mapping[str, Any], name: str) -> list[dict[str, Any]]:
    """The stored entries of one section ([] when none or malformed)."""
    lines = answers.get(LINES)
    if not isinstance(lines, Mapping):
        return []
    entries = lines.get(name)
    if not isinstance(entries, list):
        return []
    return [
        {"line": str(e.get("line", "")), "answers": dict(e.get("answers") or {})}
        for e in entries
        if isinstance(e, Mapping)
    ]


def line_keys(answers: Mapping[str, Any]) -> set[str]:
    return set(line_sections_of(answers))


def line_sections_of(answers: Mapping[str, Any]) -> dict[str, str]:
    """line key -> the name of the section the line is an entry of."""
    lines = answers.get(LINES)
    if not isinstance(lines, Mapping):
        return {}
    return {
        entry["line"]: name for name in lines for entry in entries_of(answers, name)
    }


def line_number(line: str) -> int:
    return int(line[1:]) if LINE_KEY_RE.match(line) else 0


def next_line_number(answers: Mapping[str, Any]) -> int:
    """The number the next new line gets: above every line this order ever had."""
    stored = answers.get(NEXT_LINE)
    start = stored if isinstance(stored, int) and stored > 0 else 1
    used = [line_number(key) for key in line_keys(answers)]
    return max([start, *(n + 1 for n in used)])


def lines_stored(
    version_sections: list[LineSection],
    answers: Mapping[str, Any],
    earlier: Mapping[str, Any],
) -> dict[str, Any]:
    """answers with their lines typed and every new line given its key, counting
    on from the lines `earlier` (the stored draft) ever had."""
    result = dict(answers)
    if not version_sections and LINES not in answers:
        return result
    counter = max(next_line_number(earlier), next_line_number(answers))
    lines: dict[str, list[dict[str, Any]]] = {}
    for group in version_sections:
        kept = []
        for entry in entries_of(answers, group.name):
            line = entry["line"]
            if not LINE_KEY_RE.match(line):
                line = f"L{counter}"
                counter += 1
            kept.append(
                {
                    "line": line,
                    "answers": answers_typed(group.questions, entry["answers"]),
                }
            )
        lines[group.name] = kept
    result[LINES] = lines
    result[NEXT_LINE] = counter
    return result


def outer_strings(answers: Mapping[str, Any]) -> dict[str, list[str]]:
    return {
        key: answer_strings(value)
        for key, value in answers.items()
        if not key.startswith("@")
    }


def entry_visible(
    group: LineSection,
    entry_answers: Mapping[str, Any],
    outer_visible: set[str],
    outer_values: Mapping[str, list[str]],
) -> set[str]:
    """Keys shown in one entry: its own show-if rules read the entry's answers, or
    those of the questions asked once (when those are shown)."""
    values = dict(outer_values)
    values.update({k: answer_strings(v) for k, v in entry_answers.items()})
    shown = visible_question_keys(group.questions, values, given=outer_visible)
    return shown - outer_visible


def requirement_key(line: str, question_key: str) -> str:
    return f"{line}{KEY_SEPARATOR}{question_key}"


def line_of_key(key: str) -> str:
    """The line a requirement key belongs to ("" for questions asked once)."""
    line, separator, _rest = key.partition(KEY_SEPARATOR)
    return line if separator and LINE_KEY_RE.match(line) else ""


def line_label(section: FormSection, line: str) -> str:
    """How people name a line: "Line 3" (its number stays with it for good)."""
    return f"{section.entry_label} {line_number(line)}"


def count_problem(section: FormSection, count: int, *, complete: bool) -> str:
    """Too many entries (always), or too few (when submitting)."""
    label = section.entry_label.lower()
    if count > section.max_entries:
        return (
            f"{section.name} takes at most {section.max_entries} {label} entries; "
            f"there are {count}. Remove {count - section.max_entries}."
        )
    if complete and count < section.min_entries:
        return (
            f"{section.name} needs at least {section.min_entries} {label} "
            f"entries; there are {count}."
        )
    return ""


def entry_answer_set(
    answers: Mapping[str, Any], line: str, key: str, value: Any
) -> dict[str, Any]:
    """A copy of answers with one answer of one line set (the stored ones are
    left as they are)."""
    result = dict(answers)
    result[LINES] = {
        name: [
            {
                "line": entry["line"],
                "answers": (
                    {**entry["answers"], key: value}
                    if entry["line"] == line
                    else entry["answers"]
                ),
            }
            for entry in entries_of(answers, name)
        ]
        for name in answers.get(LINES) or {}
    }
    return result


def answer_items(answers: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Every answer of a revision by the key its requirement has: the questions
    asked once by their key, each line's by "L2.drawing" (for whatever looks at
    every stored value, such as the files a revision names)."""
    items = [(k, v) for k, v in answers.items() if not str(k).startswith("@")]
    for name in answers.get(LINES) or {}:
        for entry in entries_of(answers, name):
            items.extend(
                (requirement_key(entry["line"], key), value)
                for key, value in entry["answers"].items()
            )
    return items
