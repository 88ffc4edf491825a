"""The one check every way of building an order form uses.

`problems_in(data)` lists every problem of a JSON document (orders.orderforms.json_io
describes its format); `question_problems` those of one question. The builder's
services run the same check on the version they change and the admin on each
question it saves, so a form that can be built can be exported and imported again,
and a file that is refused could not have been built either.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from orderreview import textlimits
from orders.models import Discipline, Question, RequirementCategory
from orders.orderforms.answers import CONTROLLER_KINDS, NO, YES
from orders.orderforms.money_checks import currency_problems, value_problems
from orders.orderforms.question_attributes import LIMIT_KEYS, QUESTION_KEYS
from orders.orderforms.sections import section_problems
from orders.patterns import pattern_problem

Kind = Question.Kind
FORMAT_KEYS = ("slug", "name", "description", "questions", "value", "sections")

# Which limits make sense for which kind; anything else is refused, not ignored, so
# what an admin sets is what customers get.
LIMITS_BY_KIND: dict[str, frozenset[str]] = {
    Kind.SHORT_TEXT: frozenset({"max_length", "pattern", "pattern_hint"}),
    Kind.LONG_TEXT: frozenset({"max_length", "pattern", "pattern_hint"}),
    Kind.EMAIL: frozenset({"max_length", "pattern", "pattern_hint"}),
    # Whole numbers count something: hours, pieces.
    Kind.INTEGER: frozenset({"min_value", "max_value", "unit"}),
    Kind.DECIMAL: frozenset({"min_value", "max_value", "unit"}),
    Kind.DATE: frozenset(),
    Kind.YES_NO: frozenset(),
    Kind.SINGLE_CHOICE: frozenset({"choices"}),
    Kind.MULTIPLE_CHOICE: frozenset({"choices", "min_value", "max_value"}),
    Kind.FILE: frozenset({"allowed_file_types", "max_file_size_kb"}),
    # Limits are in the answer's currency; the form names the currencies it takes.
    Kind.AMOUNT: frozenset({"currencies", "min_value", "max_value"}),
}
CHOICE_KINDS = frozenset({Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE})
# The kind of answer each header fact takes.
MAPS_TO_KINDS: dict[str, str] = {
    Question.MapsTo.REQUESTED_DATE: Kind.DATE,
    Question.MapsTo.CUSTOMER_REFERENCE: Kind.SHORT_TEXT,
    Question.MapsTo.CONTACT_EMAIL: Kind.EMAIL,
}
KEY_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
EXTENSION_RE = re.compile(r"^\.?[a-zA-Z0-9]{1,10}$")
NUMBER_LIMIT = Decimal(10) ** 14
MAX_FILE_SIZE_KB = 1024 * 1024
TEXT_LIMITS = {
    "key": 60,
    "label": 300,
    "section": 120,
    "pattern": 200,
    "pattern_hint": 200,
    "unit": 30,
    "allowed_file_types": 200,
    "help_text": textlimits.HELP,
}


def is_empty(value: object) -> bool:
    """An attribute left unset: null, empty text or an empty list."""
    return value is None or value == "" or value == []


def finite_decimal(value: object) -> Decimal | None:
    """A number given as JSON number or text, None when it is not a finite one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int | float | str):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return None
        if number.is_finite():
            return number
    return None


def _limit_problems(item: Mapping[str, Any], kind: str) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    fitting = LIMITS_BY_KIND.get(kind, frozenset())
    kind_label = Kind(kind).label.lower()
    for name in LIMIT_KEYS:
        if not is_empty(item.get(name)) and name not in fitting:
            problems.append((name, f"a {kind_label} question takes no {name}"))

    choices = item.get("choices")
    if kind in CHOICE_KINDS:
        if not isinstance(choices, list) or not choices:
            problems.append(("choices", "a choice question needs choices"))
        elif not all(isinstance(c, str) and c.strip() for c in choices):
            problems.append(("choices", "every choice must be non-empty text"))
        elif len({c.strip() for c in choices}) != len(choices):
            problems.append(("choices", "choices repeat"))

    currencies = item.get("currencies")
    if kind == Kind.AMOUNT:
        problems.extend(currency_problems(currencies))

    low_high: dict[str, Decimal] = {}
    for name in ("min_value", "max_value"):
        value = item.get(name)
        if is_empty(value):
            continue
        number = finite_decimal(value)
        if number is None:
            problems.append((name, f"{name} must be a number"))
        elif abs(number) >= NUMBER_LIMIT or number.as_tuple().exponent < -6:
            problems.append(
                (
                    name,
                    f"{name} must have at most 14 digits before and 6 after the point",
                )
            )
        elif kind in (Kind.INTEGER, Kind.MULTIPLE_CHOICE) and number != int(number):
            problems.append((name, f"{name} must be a whole number"))
        else:
            low_high[name] = number
    low, high = low_high.get("min_value"), low_high.get("max_value")
    if low is not None and high is not None and low > high:
        problems.append(("max_value", "min_value is above max_value"))
    if kind == Kind.MULTIPLE_CHOICE and isinstance(choices, list):
        if low is not None and low < 0:
            problems.append(("min_value", "min_value cannot be negative"))
        if low is not None and low > len(choices):
            problems.append(("min_value", "min_value is more than there are choices"))
        if high is not None and high < 1:
            problems.append(("max_value", "max_value must allow at least one tick"))

    for name in ("max_length", "max_file_size_kb"):
        value = item.get(name)
        if is_empty(value):
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.append((name, f"{name} must be a whole number above 0"))
        elif name == "max_file_size_kb" and value > MAX_FILE_SIZE_KB:
            problems.append((name, "max_file_size_kb is above 1 GB"))

    pattern = item.get("pattern")
    if not is_empty(pattern):
        if not isinstance(pattern, str):
            problems.append(("pattern", "pattern must be text"))
        elif problem := pattern_problem(pattern):
            problems.append(("pattern", problem))

    if not is_empty(item.get("pattern_hint")) and is_empty(pattern):
        problems.append(("pattern_hint", "pattern_hint needs a pattern"))

    types = item.get("allowed_file_types")
    bad_types = not isinstance(types, str) or not all(
        EXTENSION_RE.match(ext.strip()) for ext in types.split(",")
    )
    if not is_empty(types) and bad_types:
        problems.append(
            (
                "allowed_file_types",
                "allowed_file_types must be extensions "
                "separated by commas, e.g. pdf,step",
            )
        )
    return problems


def _show_if_problems(
    item: Mapping[str, Any], earlier: Mapping[str, Mapping[str, Any]]
) -> list[tuple[str, str]]:
    rule = item.get("show_if")
    if rule is None:
        return []
    if (
        not isinstance(rule, Mapping)
        or set(rule) != {"question", "in"}
        or not isinstance(rule.get("question"), str)
    ):
        return [
            ("show_if", 'show_if must be {"question": KEY, "in": [VALUES]} or null')
        ]
    target = rule["question"]
    values = rule["in"]
    if target == item.get("key"):
        return [("show_if", "show_if names the question itself")]
    if target not in earlier:
        return [
            ("show_if", f"show_if names {target!r}, which is not an earlier question")
        ]
    controller = earlier[target]
    if controller.get("kind") not in CONTROLLER_KINDS:
        return [("show_if", f"show_if cannot depend on the file question {target!r}")]
    if (
        not isinstance(values, list)
        or not values
        or not all(isinstance(v, str) and v for v in values)
    ):
        return [("show_if", "show_if needs a list of values to match")]
    allowed: list[str] | None = None
    if controller.get("kind") == Kind.YES_NO:
        allowed = [YES, NO]
    elif controller.get("kind") in CHOICE_KINDS and isinstance(
        controller.get("choices"), list
    ):
        allowed = [str(c) for c in controller["choices"]]
    if allowed is not None:
        unknown = [v for v in values if v not in allowed]
        if unknown:
            return [
                (
                    "show_if",
                    f"show_if values {', '.join(map(repr, unknown))} "
                    f"are not answers of {target!r} ({', '.join(allowed)})",
                )
            ]
    return []


def _depends_on_problems(
    item: Mapping[str, Any], keys: set[str] | None
) -> list[tuple[str, str]]:
    """A dependency names another question of the same version; keys None (the
    admin's inline form, which sees one question) checks only its form."""
    names = item.get("depends_on")
    if names is None:
        return []
    if not isinstance(names, list) or not all(
        isinstance(name, str) and KEY_RE.match(name) for name in names
    ):
        return [("depends_on", "depends_on must be a list of question keys")]
    problems: list[tuple[str, str]] = []
    if item.get("key") in names:
        problems.append(("depends_on", "depends_on names the question itself"))
    if len(set(names)) != len(names):
        problems.append(("depends_on", "depends_on names a question twice"))
    unknown = [n for n in names if keys is not None and n not in keys]
    unknown = [n for n in unknown if n != item.get("key")]
    if unknown:
        problems.append(
            (
                "depends_on",
                f"depends_on names {', '.join(map(repr, unknown))}, "
                "which is not a question of this form",
            )
        )
    return problems


def dependency_cycle(
    item: Mapping[str, Any], others: list[Mapping[str, Any]]
) -> tuple[str, str] | None:
    """A problem when following depends_on from this question leads back to it."""
    graph: dict[str, list[str]] = {}
    for question in [*others, item]:
        names = question.get("depends_on") if isinstance(question, Mapping) else None
        if isinstance(question, Mapping) and isinstance(names, list):
            graph[str(question.get("key"))] = [n for n in names if isinstance(n, str)]
    start = str(item.get("key"))
    path = [start]
    seen: set[str] = set()

    def leads_back(key: str) -> bool:
        for name in graph.get(key, []):
            if name == start:
                path.append(name)
                return True
            if name not in seen:
                seen.add(name)
                path.append(name)
                if leads_back(name):
                    return True
                path.pop()
        return False

    if leads_back(start) and len(path) > 2:
        return ("depends_on", f"depends_on goes round in a circle: {' → '.join(path)}")
    return None


def question_problems(
    item: object,
    *,
    earlier: Mapping[str, Mapping[str, Any]],
    disciplines: set[str],
    keys: set[str] | None = None,
) -> list[tuple[str | None, str]]:
    """Every problem of one question dict; `earlier` holds the questions before it,
    `keys` those of every question of its version (None: not known here)."""
    if not isinstance(item, Mapping):
        return [(None, "a question must be an object")]
    problems: list[tuple[str | None, str]] = []
    for name in item:
        if name not in QUESTION_KEYS:
            problems.append((None, f"unknown attribute {name!r}"))
    key = item.get("key")
    if not isinstance(key, str) or not KEY_RE.match(key):
        problems.append(("key", "key must be letters, digits, - or _"))
    label = item.get("label")
    if not isinstance(label, str) or not label.strip():
        problems.append(("label", "label is missing"))
    for name, limit in TEXT_LIMITS.items():
        value = item.get(name)
        if value is not None and not isinstance(value, str):
            problems.append((name, f"{name} must be text"))
        elif isinstance(value, str) and len(value) > limit:
            problems.append((name, f"{name} is longer than {limit} characters"))
    if item.get("help_text") is not None and not isinstance(item["help_text"], str):
        problems.append(("help_text", "help_text must be text"))
    if not isinstance(item.get("required", False), bool):
        problems.append(("required", "required must be true or false"))
    position = item.get("position")
    if position is not None and (
        isinstance(position, bool) or not isinstance(position, int) or position < 0
    ):
        problems.append(("position", "position must be a whole number, 0 or more"))
    kind = item.get("kind")
    if kind not in Kind.values:
        problems.append(
            ("kind", f"unknown kind {kind!r} (one of {', '.join(Kind.values)})")
        )
    else:
        problems.extend(_limit_problems(item, kind))
    category = item.get("category", RequirementCategory.STATED)
    if category not in RequirementCategory.values:
        problems.append(
            (
                "category",
                f"unknown category {category!r} "
                f"(one of {', '.join(RequirementCategory.values)})",
            )
        )
    discipline = item.get("discipline")
    if discipline not in disciplines:
        problems.append(("discipline", f"unknown discipline {discipline!r}"))
    problems.extend(_show_if_problems(item, earlier))
    problems.extend(_maps_to_problems(item))
    problems.extend(_depends_on_problems(item, keys))
    return problems


def _maps_to_problems(item: Mapping[str, Any]) -> list[tuple[str, str]]:
    target = item.get("maps_to")
    if is_empty(target):
        return []
    if not isinstance(target, str) or target not in MAPS_TO_KINDS:
        return [
            (
                "maps_to",
                f"unknown maps_to {target!r} (one of {', '.join(MAPS_TO_KINDS)})",
            )
        ]
    wanted = MAPS_TO_KINDS[target]
    if item.get("kind") != wanted:
        return [
            (
                "maps_to",
                f"only a {Kind(wanted).label.lower()} question can fill the "
                f"{_header_field(target)}",
            )
        ]
    return []


def _header_field(target: str) -> str:
    """ "order's requested delivery date" for requested_date."""
    label = str(Question.MapsTo(target).label).split(" (")[0]
    return label[0].lower() + label[1:]


def maps_to_clash(
    item: Mapping[str, Any], others: list[Mapping[str, Any]]
) -> tuple[str, str] | None:
    """A problem when another question already supplies the same header fact."""
    target = item.get("maps_to")
    if is_empty(target):
        return None
    for other in others:
        if isinstance(other, Mapping) and other.get("maps_to") == target:
            return (
                "maps_to",
                f"question {other.get('key')!r} already fills the "
                f"{_header_field(target)}",
            )
    return None


def ordered_questions(questions: list) -> list:
    """Questions in page order: by position, then by their place in the file."""
    indexed = list(enumerate(questions))

    def order(pair: tuple[int, object]) -> tuple[int, int]:
        index, item = pair
        position = item.get("position") if isinstance(item, Mapping) else None
        if isinstance(position, bool) or not isinstance(position, int):
            position = index
        return (position, index)

    return [item for _, item in sorted(indexed, key=order)]


def _describe(item: object, index: int) -> str:
    key = item.get("key") if isinstance(item, Mapping) else None
    return f"question {index + 1}" + (f" ({key})" if isinstance(key, str) else "")


def problems_in(data: object, *, disciplines: set[str] | None = None) -> list[str]:
    """Every problem of an order form document, as sentences; [] when it is sound."""
    if disciplines is None:
        disciplines = set(Discipline.objects.values_list("slug", flat=True))
    if not isinstance(data, Mapping):
        return ["the file must hold one JSON object"]
    problems: list[str] = []
    for name in data:
        if name not in FORMAT_KEYS:
            problems.append(f"unknown attribute {name!r}")
    slug = data.get("slug")
    if not isinstance(slug, str) or not KEY_RE.match(slug) or len(slug) > 80:
        problems.append("slug must be letters, digits, - or _ (at most 80)")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        problems.append("name is missing or longer than 200 characters")
    if not isinstance(data.get("description", ""), str):
        problems.append("description must be text")
    elif len(data.get("description") or "") > textlimits.NOTE:
        problems.append(f"description is longer than {textlimits.NOTE} characters")
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        problems.append("questions must be a non-empty list")
        return problems
    earlier: dict[str, Mapping[str, Any]] = {}
    seen: set[str] = set()
    places = {id(item): index for index, item in enumerate(questions)}
    keys = {
        item["key"]
        for item in questions
        if isinstance(item, Mapping) and isinstance(item.get("key"), str)
    }
    for item in ordered_questions(questions):
        where = _describe(item, places[id(item)])
        for _field, message in question_problems(
            item, earlier=earlier, disciplines=disciplines, keys=keys
        ):
            problems.append(f"{where}: {message}")
        if isinstance(item, Mapping):
            clash = maps_to_clash(item, list(earlier.values()))
            if clash:
                problems.append(f"{where}: {clash[1]}")
            cycle = dependency_cycle(item, [q for q in questions if q is not item])
            if cycle:
                problems.append(f"{where}: {cycle[1]}")
        if isinstance(item, Mapping) and isinstance(item.get("key"), str):
            if item["key"] in seen:
                problems.append(f"{where}: duplicate key {item['key']!r}")
            seen.add(item["key"])
            earlier[item["key"]] = item
    problems.extend(value_problems(data.get("value"), questions))
    return problems + section_problems(data)
