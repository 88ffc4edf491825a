"""The one description of a question's attributes.

Each attribute is one key of the JSON document (in the order the export writes them),
one key of the dict the builder's form hands the services, and one or two fields of
the Question row. Every list of a question's fields derives from QUESTION_ATTRIBUTES:
the JSON export and import (json_io), the checks (document_checks), the builder's form
(builder_forms) and the admin's inline form (orders.admin). Starting a draft copies
whole rows, so it needs no list; a new attribute is added here, on the model and as a
builder form field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# How a value travels between the row, the document and the builder's form:
#   value       as stored
#   number      a Decimal column, in the document an exact number (never a float)
#   list        a JSON list column, in the builder's form one item per line
#               (depends_on: keys of other questions of the same version)
#   position    set by where the question stands, not typed in the builder
#   discipline  a foreign key, named by its slug everywhere else
#   show_if     two columns (show_if_question, show_if_values), one rule in the
#               document: {"question": KEY, "in": [VALUES]} or null
Shape = Literal["value", "number", "list", "position", "discipline", "show_if"]


@dataclass(frozen=True)
class QuestionAttribute:
    name: str
    shape: Shape = "value"
    # An answer limit: it fits only some kinds, and the checks refuse it on the others.
    limit: bool = False
    # Surrounding spaces are dropped when it is stored (from each item of a list).
    trimmed: bool = False

    @property
    def model_fields(self) -> tuple[str, ...]:
        if self.shape == "show_if":
            return ("show_if_question", "show_if_values")
        return (self.name,)


QUESTION_ATTRIBUTES = (
    QuestionAttribute("key"),
    QuestionAttribute("label", trimmed=True),
    QuestionAttribute("help_text"),
    QuestionAttribute("kind"),
    QuestionAttribute("required"),
    QuestionAttribute("choices", shape="list", limit=True, trimmed=True),
    QuestionAttribute("min_value", shape="number", limit=True),
    QuestionAttribute("max_value", shape="number", limit=True),
    QuestionAttribute("max_length", limit=True),
    QuestionAttribute("pattern", limit=True),
    QuestionAttribute("pattern_hint", limit=True, trimmed=True),
    QuestionAttribute("unit", limit=True, trimmed=True),
    QuestionAttribute("currencies", shape="list", limit=True, trimmed=True),
    QuestionAttribute("allowed_file_types", limit=True),
    QuestionAttribute("max_file_size_kb", limit=True),
    QuestionAttribute("section"),
    QuestionAttribute("position", shape="position"),
    QuestionAttribute("category"),
    QuestionAttribute("discipline", shape="discipline"),
    QuestionAttribute("show_if", shape="show_if"),
    QuestionAttribute("maps_to"),
    QuestionAttribute("depends_on", shape="list", trimmed=True),
)
# The keys of a question in the JSON document, in the order the export writes them.
QUESTION_KEYS = tuple(attribute.name for attribute in QUESTION_ATTRIBUTES)
LIMIT_KEYS = tuple(
    attribute.name for attribute in QUESTION_ATTRIBUTES if attribute.limit
)
# The Question fields an admin edits inline.
QUESTION_MODEL_FIELDS = tuple(
    field for attribute in QUESTION_ATTRIBUTES for field in attribute.model_fields
)
# What the builder's question form edits: all but the position, changed by moving.
BUILDER_ATTRIBUTES = tuple(
    attribute for attribute in QUESTION_ATTRIBUTES if attribute.shape != "position"
)
