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
FILE_MESSAGE = (
    "Upload the file to the line's lines/<line>/files/<key>/ URL "
    "(multipart/form-data); here only null, which removes it, is accepted."
)


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


def _sent_entries(entries: list) -> list[tuple[int, str | None, Mapping]]:
    """(position in the list as sent, line key or None, answers) of each entry
    the answer form gets: objects only, a line key sent twice only once."""
    kept: list[tuple[int, str | None, Mapping]] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            continue
        line = entry.get("line")
        if isinstance(line, str) and lines.LINE_KEY_RE.match(line):
            if line in seen:
                continue
            seen.add(line)
        else:
            line = None
        answers = entry.get("answers")
        kept.append((position, line, answers if isinstance(answers, Mapping) else {}))
    return kept


def _line_error(line: object, name: str, known: Mapping[str, str]) -> str | None:
    """Why this sent line key names no entry of the section `name`, or None."""
    if not isinstance(line, str) or line not in known:
        return (
            f"This order has no line {str(line)[:20]!r}; leave out "
            '"line" for a new line.'
        )
    if known[line] != name:
        return (
            f"Line {line} is an entry of {known[line][:80]}, not of {name[:80]}; "
            'leave out "line" for a new line.'
        )
    return None


def entries_over_maximum(version: OrderFormVersion, sent: Any) -> bool:
    """Whether a sent "@lines" list is longer than its section allows: such a body
    is refused on its shape alone, before any entry's form is built (JSON has no
    field-count limit, so a list of thousands would cost thousands of forms)."""
    if not isinstance(sent, Mapping):
        return False
    maxima = {g.name: g.section.max_entries for g in line_sections(version)}
    return any(
        isinstance(entries, list) and name in maxima and len(entries) > maxima[name]
        for name, entries in sent.items()
    )


def lines_shape_errors(
    version: OrderFormVersion,
    sent: Any,
    known: Mapping[str, str],
    shape_error: Callable[[Question, Any], str | None],
) -> dict[str, list[str]]:
    """What in the sent "@lines" can be no entry of the version's sections: the
    answer form checks the values themselves. known: the order's line keys, each
    with the name of the section it is an entry of."""
    if not isinstance(sent, Mapping):
        return {
            f"answers.{lines.LINES}": [
                'Send an object of section name -> list of {"line", "answers"}.'
            ]
        }
    sections = {group.name: group for group in line_sections(version)}
    errors: dict[str, list[str]] = {}
    # A line is one entry of the whole order: sent twice is twice, whichever
    # sections name it.
    seen: set[str] = set()
    for name in sorted(sent, key=str):
        group = sections.get(name)
        if group is None:
            errors[_place(str(name)[:80])] = ["There is no such repeating section."]
            continue
        entries = sent[name]
        if not isinstance(entries, list):
            errors[_place(name)] = ['Send a list of {"line", "answers"} entries.']
            continue
        if too_many := (
            len(entries) > group.section.max_entries
            and lines.count_problem(group.section, len(entries), complete=False)
        ):
            # Refused before any entry is looked at: a list of thousands is
            # one error, not thousands.
            errors[_place(name)] = [too_many]
            continue
        questions = {question.key: question for question in group.questions}
        for index, entry in enumerate(entries):
            if not isinstance(entry, Mapping) or not set(entry) <= ENTRY_KEYS:
                errors[_place(name, index)] = [
                    'Send {"line": "L1", "answers": {...}}; leave out "line" '
                    "for a new line."
                ]
                continue
            line = entry.get("line")
            if line is not None:
                if message := _line_error(line, name, known):
                    errors[_place(name, index, "line")] = [message]
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
                elif question.kind == Question.Kind.FILE and answers[key] is not None:
                    errors[_place(name, index, key)] = [FILE_MESSAGE]
                elif message := shape_error(question, answers[key]):
                    errors[_place(name, index, key)] = [message]
    return errors


def _entries(sent: Any, stored: Mapping[str, Any], name: str) -> list:
    """The entries of one section the answer form is bound to: those sent, or
    the stored ones when the section was not sent."""
    entries = sent.get(name) if isinstance(sent, Mapping) else None
    return entries if isinstance(entries, list) else lines.entries_of(stored, name)


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
        keys = []
        for _position, line, answers in _sent_entries(
            _entries(sent, stored, group.name)
        ):
            if line is None:
                fresh += 1
                line = f"{lines.NEW_PREFIX}{fresh}"
            keys.append(line)
            for key, value in answers.items():
                data[f"{base}-{line}-{key}"] = value
        data[f"{base}-shown"] = "1"
        data[f"{base}-lines"] = keys
    return data


def lines_errors(
    form: AnswerForm, sent: Any = None, stored: Mapping[str, Any] | None = None
) -> dict[str, list[str]]:
    """The entries' own errors, each named by its place in the body: the entry's
    position in the list as sent (sent and stored as given to lines_posted)."""
    errors: dict[str, list[str]] = {}
    for group in form.line_groups:
        said = [e for e in group.errors if not e.endswith(line_form.ENTRY_PROBLEM)]
        if said:
            errors[_place(group.name)] = said
        positions = [
            position
            for position, _line, _answers in _sent_entries(
                _entries(sent, stored or {}, group.name)
            )
        ]
        for index, entry in enumerate(group.entries):
            place_index = positions[index] if index < len(positions) else index
            for key, messages in entry.form.errors.items():
                place = _place(
                    group.name, place_index, None if key == "__all__" else key
                )
                errors.setdefault(place, []).extend(messages)
    return errors


def lines_files_kept(stored: Mapping[str, Any], sent: Any) -> dict[str, Any]:
    """The stored "@lines" as the entries' initial values: a line's stored file
    rides there (a file cannot travel in JSON) and is kept unless the line is sent
    with that answer null."""
    removed: dict[str, set[str]] = {}
    for entries in (sent if isinstance(sent, Mapping) else {}).values():
        for _position, line, answers in _sent_entries(
            entries if isinstance(entries, list) else []
        ):
            if line is not None:
                removed[line] = {str(k) for k, v in answers.items() if v is None}
    return {
        name: [
            {
                "line": entry["line"],
                "answers": {
                    key: value
                    for key, value in entry["answers"].items()
                    if key not in removed.get(entry["line"], set())
                },
            }
            for entry in lines.entries_of(stored, name)
        ]
        for name in stored.get(lines.LINES) or {}
    }
