"""Repeating sections of an order form: the lines of an order.

A section is named by its questions' `section`; a FormSection row says it repeats,
how many entries it takes and what one entry is called ("Line", "Part"). In the
JSON document (orders.orderforms.json_io) they travel as an optional list:

    "sections": [{"name": "Lines", "repeating": true, "min_entries": 1,
                  "max_entries": 200, "entry_label": "Line"}]

`section_problems(data)` is the one check of that list, run by the import, the
builder's services and the builder's section form alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orders.models import FormSection, OrderFormVersion

SECTION_KEYS = ("name", "repeating", "min_entries", "max_entries", "entry_label")
MAX_ENTRIES = 500
ENTRY_LABEL_MAX = 40
NAME_MAX = 120


def section_to_dict(section: FormSection) -> dict[str, Any]:
    return {
        "name": section.name,
        "repeating": section.repeating,
        "min_entries": section.min_entries,
        "max_entries": section.max_entries,
        "entry_label": section.entry_label,
    }


def section_fields(item: Mapping[str, Any]) -> dict[str, Any]:
    """Model field values of a checked section dict."""
    return {
        "name": item["name"],
        "repeating": bool(item.get("repeating", True)),
        "min_entries": item.get("min_entries", 1),
        "max_entries": item.get("max_entries", 50),
        "entry_label": (item.get("entry_label") or "Line").strip(),
    }


def repeating_sections(version: OrderFormVersion) -> dict[str, FormSection]:
    """The version's repeating sections by name (a prefetch is honoured)."""
    return {s.name: s for s in version.sections.all() if s.repeating}


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def one_section_problems(item: object) -> list[tuple[str, str]]:
    """(field, message) problems of one section's own values."""
    if not isinstance(item, Mapping):
        return [("__all__", "each section must be a JSON object")]
    problems: list[tuple[str, str]] = []
    for name in item:
        if name not in SECTION_KEYS:
            problems.append(("__all__", f"unknown attribute {name!r}"))
    name = item.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > NAME_MAX:
        problems.append(
            ("name", f"name must be a section's name (at most {NAME_MAX} characters)")
        )
    if not isinstance(item.get("repeating", True), bool):
        problems.append(("repeating", "repeating must be true or false"))
    low, high = item.get("min_entries", 1), item.get("max_entries", 50)
    if not _whole(low) or low < 0:
        problems.append(
            ("min_entries", "min_entries must be a whole number, 0 or more")
        )
    if not _whole(high) or not 1 <= high <= MAX_ENTRIES:
        problems.append(
            (
                "max_entries",
                f"max_entries must be a whole number from 1 to {MAX_ENTRIES}",
            )
        )
    elif _whole(low) and low > high:
        problems.append(
            (
                "min_entries",
                f"min_entries ({low}) is more than max_entries ({high})",
            )
        )
    label = item.get("entry_label", "Line")
    if not isinstance(label, str) or not label.strip() or len(label) > ENTRY_LABEL_MAX:
        problems.append(
            (
                "entry_label",
                "entry_label must name one entry, e.g. Line "
                f"(at most {ENTRY_LABEL_MAX} characters)",
            )
        )
    return problems


def _questions_problems(
    repeating: set[str], questions: list[Mapping[str, Any]]
) -> list[str]:
    """What a repeating section asks of its questions and of the others."""
    problems: list[str] = []
    questions = [q for q in questions if isinstance(q, Mapping)]
    section_of = {q.get("key"): q.get("section") or "" for q in questions}
    previous = None
    closed: set[str] = set()
    for question in questions:
        key, section = question.get("key"), question.get("section") or ""
        if section != previous:
            if previous is not None:
                closed.add(previous)
            if section in repeating and section in closed:
                problems.append(
                    f"question {key!r}: the questions of the repeating section "
                    f"{section!r} must follow one another"
                )
            previous = section
        inside = section in repeating
        if inside and question.get("maps_to"):
            problems.append(
                f"question {key!r}: a question of the repeating section {section!r} "
                "cannot supply an order header fact (each line has its own answer)"
            )
        rule = question.get("show_if")
        target = rule.get("question") if isinstance(rule, Mapping) else None
        target_section = section_of.get(target)
        if (
            target is not None
            and target_section in repeating
            and target_section != section
        ):
            problems.append(
                f"question {key!r}: show_if cannot name {target!r}, a question of "
                f"the repeating section {target_section!r} (which line's answer?)"
            )
        for name in question.get("depends_on") or []:
            if section_of.get(name) in repeating and section_of.get(name) != section:
                problems.append(
                    f"question {key!r}: depends_on cannot name {name!r}, a question "
                    "of another repeating section"
                )
    return problems


def section_problems(data: Mapping[str, Any]) -> list[str]:
    """Every problem of a document's "sections" list, as sentences."""
    sections = data.get("sections")
    if sections is None:
        return []
    if not isinstance(sections, list):
        return ["sections must be a list"]
    questions = data.get("questions")
    questions = questions if isinstance(questions, list) else []
    used = {q.get("section") or "" for q in questions if isinstance(q, Mapping)}
    problems: list[str] = []
    seen: set[str] = set()
    for index, item in enumerate(sections):
        where = f"section {index + 1}"
        if isinstance(item, Mapping) and isinstance(item.get("name"), str):
            where += f" ({item['name']})"
        for _field, message in one_section_problems(item):
            problems.append(f"{where}: {message}")
        name = item.get("name") if isinstance(item, Mapping) else None
        if not isinstance(name, str) or not name.strip():
            continue
        if name in seen:
            problems.append(f"{where}: the section {name!r} is listed twice")
        seen.add(name)
        if name not in used:
            problems.append(f"{where}: no question is in the section {name!r}")
    repeating = {
        item["name"]
        for item in sections
        if isinstance(item, Mapping)
        and isinstance(item.get("name"), str)
        and item.get("repeating", True) is True
    }
    return problems + _questions_problems(repeating, questions)
