"""Reads of requirement revisions shared by the order pages."""

from dataclasses import dataclass

from orders.formkit import display_value
from orders.models import Order, Question, RequirementCategory
from requirements.models import Requirement, RequirementSet


@dataclass
class CategoryGroup:
    category: str
    label: str
    requirements: list[Requirement]


@dataclass
class DraftAnswer:
    question: Question
    text: str


def revisions_for_order(order: Order) -> list[RequirementSet]:
    return list(order.revisions.select_related("created_by", "submitted_by"))


def draft_revision(order: Order) -> RequirementSet | None:
    return order.revisions.filter(state=RequirementSet.State.DRAFT).first()


def requirements_by_category(revision: RequirementSet) -> list[CategoryGroup]:
    """A revision's requirements grouped in the order of the categories' choices."""
    requirements = list(revision.requirements.select_related("discipline", "question"))
    groups = []
    for value, label in RequirementCategory.choices:
        members = [r for r in requirements if r.category == value]
        if members:
            groups.append(CategoryGroup(value, label, members))
    return groups


def requirement_display(requirement: Requirement) -> str:
    if requirement.question is None:
        return "" if requirement.value is None else str(requirement.value)
    return display_value(requirement.question, requirement.value)


def draft_answers(order: Order, revision: RequirementSet) -> list[DraftAnswer]:
    """A draft's answers as text, in question order (staff see what is typed so far)."""
    questions = order.form_version.questions.order_by("position", "pk")
    return [
        DraftAnswer(q, display_value(q, revision.answers.get(q.key)))
        for q in questions
        if q.key in revision.answers
    ]
