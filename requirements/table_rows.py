"""The order page's requirements table as plain rows, their text made once.

An order of lines has thousands of requirements (200 lines of 15 questions: 3,000).
Read as model objects with their question and discipline, and looked up cell by
cell in the template through two or three attributes and a filter, they were most
of such an order's page. Here they are read as values, each row's text is made in
one pass (display_value, as everywhere a requirement's value is shown), and the
template prints dictionaries.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from orderreview.urlfill import url_filler
from orders.models import Question, RequirementCategory
from orders.orderforms.answers import display_value
from requirements.models import Requirement, RequirementSet

SOURCE_LABELS = dict(Requirement.Source.choices)
COLUMNS = (
    "pk",
    "statement",
    "value",
    "category",
    "source",
    "question_id",
    "question__kind",
    "question__choices",
    "question__unit",
    "discipline__name",
)


@dataclass
class RowGroup:
    category: str
    label: str
    rows: list[dict[str, Any]]


def requirement_rows(revision: RequirementSet, order_number: str) -> list[RowGroup]:
    """A revision's requirements grouped in the order of the categories' choices
    (as selectors.requirements_by_category), each row what the order page's table
    shows: statement, value, the link of a stored file, discipline and source.
    One query."""
    questions: dict[int, Question] = {}
    file_url: Callable[..., str] | None = None
    by_category: dict[str, list[dict[str, Any]]] = {}
    for row in revision.requirements.values(*COLUMNS):
        question = None
        if row["question_id"] is not None:
            question = questions.get(row["question_id"])
            if question is None:
                # What display_value reads of a question, made once per question.
                question = questions[row["question_id"]] = Question(
                    pk=row["question_id"],
                    kind=row["question__kind"],
                    choices=row["question__choices"],
                    unit=row["question__unit"],
                )
        value = row["value"]
        link = ""
        if (
            row["question__kind"] == Question.Kind.FILE
            and isinstance(value, dict)
            and value.get("path")
        ):
            file_url = file_url or url_filler("orders:requirement_file", 2)
            link = file_url(order_number, row["pk"])
        by_category.setdefault(row["category"], []).append(
            {
                "statement": row["statement"],
                "value": display_value(question, value),
                "file_url": link,
                "discipline": row["discipline__name"],
                "source": SOURCE_LABELS.get(row["source"], row["source"]),
            }
        )
    return [
        RowGroup(category, label, by_category[category])
        for category, label in RequirementCategory.choices
        if category in by_category
    ]
