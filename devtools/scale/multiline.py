"""Orders of several lines for seed_scale: a form with a repeating section gets
entries ("@lines", orders.orderforms.lines), and each entry's answers become
requirements keyed "L<n>.<question>" and labelled "Line <n> · <question>", placed as
requirements.selectors.answer_requirements places them on submit."""

import random
from typing import Any

from devtools.scale.answers import answers_for
from orders.models import Question
from orders.orderforms import lines
from orders.orderforms.answers import answers_typed

# How many lines an order of several lines has: mostly a handful, now and then a
# long one, and one order in LONG_EVERY as many as the section takes (up to
# LONG_LINES), so the pages of a very long order have one to show.
LINE_COUNTS = [(1, 25), (2, 25), (3, 20), (4, 12), (5, 8), (8, 6), (12, 3), (30, 1)]
LONG_EVERY = 997
LONG_LINES = 200


def version_pick(
    versions: list[tuple[Any, list[Question]]],
    line_sections: dict[int, tuple[list[Question], list[lines.LineSection]]],
    rnd: random.Random,
    serial: int,
) -> tuple[Any, list[Question]]:
    """The form version an order is on: any published one, and every LONG_EVERY-th
    order one with lines (it gets LONG_LINES of them)."""
    if serial % LONG_EVERY == 0:
        with_lines = [v for v in versions if line_sections[v[0].pk][1]]
        if with_lines:
            return rnd.choice(with_lines)
    return rnd.choice(versions)


def line_count(rnd: random.Random, serial: int, section: Any) -> int:
    if serial % LONG_EVERY == 0:
        count = LONG_LINES
    else:
        counts, weights = zip(*LINE_COUNTS, strict=True)
        count = rnd.choices(counts, weights)[0]
    return max(section.min_entries, min(count, section.max_entries))


def line_answers_add(
    answers: dict[str, Any],
    groups: list[lines.LineSection],
    rnd: random.Random,
    serial: int,
    always: frozenset[str] = frozenset(),
) -> None:
    """Entries for each repeating section, keyed L1, L2, ... as the draft page
    stores them once saved (typed answers, the next free line number beside)."""
    if not groups:
        return
    number = 1
    stored: dict[str, list[dict[str, Any]]] = {}
    for group in groups:
        entries = []
        for _ in range(line_count(rnd, serial, group.section)):
            entry = answers_for(group.questions, rnd, serial, always=always)
            entries.append(
                {
                    "line": f"L{number}",
                    "answers": answers_typed(group.questions, entry),
                }
            )
            number += 1
        stored[group.name] = entries
    answers[lines.LINES] = stored
    answers[lines.NEXT_LINE] = number


def line_changed(
    answers: dict[str, Any], groups: list[lines.LineSection], rnd: random.Random
) -> dict[str, Any] | None:
    """A change order's answers: the first line's first whole number raised (a
    customer ordering more of one part); None when no line has one."""
    for group in groups:
        key = next((q.key for q in group.questions if q.kind == "integer"), None)
        entries = lines.entries_of(answers, group.name)
        if key is None or not entries or key not in entries[0]["answers"]:
            continue
        entries[0]["answers"][key] += rnd.randint(1, 50)
        changed = dict(answers)
        changed[lines.LINES] = {**answers[lines.LINES], group.name: entries}
        return changed
    return None


def requirement_rows(
    answers: dict[str, Any],
    outer: list[Question],
    groups: list[lines.LineSection],
) -> list[tuple[Question, str, str, Any, int]]:
    """(question, key, statement, value, position) of each requirement a revision
    with lines makes: the questions asked once before the lines, each line's
    answers, then the rest, positions counting up through them all."""
    rows: list[tuple[Question, str, str, Any, int]] = []
    position = 0
    pending = list(outer)
    for group in groups:
        first = group.questions[0].position
        while pending and pending[0].position < first:
            position += 1
            question = pending.pop(0)
            if question.key in answers:
                rows.append(_once(question, answers, position))
        for entry in lines.entries_of(answers, group.name):
            label = lines.line_label(group.section, entry["line"])
            for question in group.questions:
                position += 1
                if question.key not in entry["answers"]:
                    continue
                rows.append(
                    (
                        question,
                        lines.requirement_key(entry["line"], question.key),
                        f"{label} · {question.label}",
                        entry["answers"][question.key],
                        position,
                    )
                )
    for question in pending:
        position += 1
        if question.key in answers:
            rows.append(_once(question, answers, position))
    return rows


def _once(
    question: Question, answers: dict[str, Any], position: int
) -> tuple[Question, str, str, Any, int]:
    return (question, question.key, question.label, answers[question.key], position)
