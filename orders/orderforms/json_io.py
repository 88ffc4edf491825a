"""Order form versions as JSON: parsing, export and the row values of an import.

The JSON format (documented in README.md):

    {"slug": "cnc-machining", "name": "CNC machining job", "description": "...",
     "questions": [{"key": "material", "label": "Material", "help_text": "",
                    "kind": "single_choice", "required": true,
                    "choices": ["Aluminium 6082", "Stainless 316L"],
                    "min_value": null, "max_value": null, "max_length": null,
                    "pattern": "", "pattern_hint": "", "unit": "",
                    "allowed_file_types": "",
                    "max_file_size_kb": null, "section": "Part", "position": 1,
                    "category": "stated", "discipline": "engineering",
                    "show_if": {"question": "coating", "in": ["yes"]} or null,
                    "maps_to": ""}],
     "value": {"amount": "unit_price", "quantity": "quantity"},
     "sections": [{"name": "Lines", "repeating": true, "min_entries": 1,
                   "max_entries": 200, "entry_label": "Line"}]}

An amount question ("kind": "amount") names its ISO 4217 codes in "currencies"
(["EUR"] fixes the currency; several let the answer choose). "value", optional, says
what an order is worth: an amount question's answer, times a quantity question's
when "quantity" is not null.

`sections` (orders.orderforms.sections) is optional: only forms with a repeating
section carry it.

`pattern_hint`, `maps_to` and `unit` on whole numbers are optional: files written
before they existed import unchanged. The attributes of a question and how each
travels are described once in orders.orderforms.question_attributes; what a document
may hold is checked by orders.orderforms.document_checks.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from orders.models import OrderFormVersion, Question
from orders.orderforms.document_checks import finite_decimal, is_empty
from orders.orderforms.question_attributes import QUESTION_ATTRIBUTES, QuestionAttribute
from orders.orderforms.sections import section_to_dict


def parse(raw: bytes | str) -> object:
    """JSON text to data; a ValueError names what is wrong with the text."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError("the file is not UTF-8 text") from None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValueError(f"the file is not valid JSON ({error})") from None


# --- model <-> document ---------------------------------------------------------------


def _number_out(value: Decimal | None) -> int | str | None:
    """Whole numbers as JSON numbers, fractions as exact strings (floats round)."""
    if value is None:
        return None
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return format(value.normalize(), "f")


def question_to_dict(question: Question, discipline_slug: str) -> dict[str, Any]:
    """One question as the document holds it, in QUESTION_ATTRIBUTES' order."""
    return {
        attribute.name: _exported(attribute, question, discipline_slug)
        for attribute in QUESTION_ATTRIBUTES
    }


def _exported(
    attribute: QuestionAttribute, question: Question, discipline_slug: str
) -> Any:
    match attribute.shape:
        case "number":
            return _number_out(getattr(question, attribute.name))
        case "list":
            return list(getattr(question, attribute.name) or [])
        case "discipline":
            return discipline_slug
        case "show_if":
            if not question.show_if_question:
                return None
            return {
                "question": question.show_if_question,
                "in": list(question.show_if_values),
            }
        case _:
            return getattr(question, attribute.name)


def version_to_dict(version: OrderFormVersion) -> dict[str, Any]:
    """The export document of one version (its form's slug, name and description)."""
    questions = version.questions.select_related("discipline").order_by(
        "position", "pk"
    )
    document: dict[str, Any] = {
        "slug": version.form.slug,
        "name": version.form.name,
        "description": version.form.description,
        "questions": [question_to_dict(q, q.discipline.slug) for q in questions],
    }
    if version.value_question:
        # Only when set: files of forms without a value read as before.
        document["value"] = {
            "amount": version.value_question,
            "quantity": version.value_quantity_question or None,
        }
    sections = [section_to_dict(s) for s in version.sections.order_by("name")]
    if sections:
        # Only forms with repeating sections carry the list: older files and
        # exports of flat forms stay as they were.
        document["sections"] = sections
    return document


def value_fields(data: Mapping[str, Any]) -> dict[str, str]:
    """The version's value setting from a checked document."""
    rule = data.get("value") or {}
    return {
        "value_question": rule.get("amount") or "",
        "value_quantity_question": rule.get("quantity") or "",
    }


def question_fields(item: Mapping[str, Any], position: int) -> dict[str, Any]:
    """Model field values for a checked question dict; its discipline, a slug there,
    is left to the caller."""
    fields: dict[str, Any] = {}
    for attribute in QUESTION_ATTRIBUTES:
        name = attribute.name
        value = item.get(name)
        match attribute.shape:
            case "number":
                fields[name] = None if is_empty(value) else finite_decimal(value)
            case "list":
                values = list(value or [])
                fields[name] = (
                    [v.strip() for v in values] if attribute.trimmed else values
                )
            case "position":
                fields[name] = position
            case "discipline":
                continue
            case "show_if":
                rule = value or {}
                fields["show_if_question"] = rule.get("question", "")
                fields["show_if_values"] = list(rule.get("in", []))
            case _:
                value = value or _unset(name)
                fields[name] = value.strip() if attribute.trimmed else value
    return fields


def _unset(name: str) -> Any:
    """What the row holds for an attribute the document leaves out or empty ("",
    None, false, or the category "stated")."""
    return Question._meta.get_field(name).get_default()
