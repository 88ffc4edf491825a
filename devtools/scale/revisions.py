"""A revision and its requirements, for seed_scale: one requirement per answered
question, or, on a form with lines, per line and question ("L3.quantity")."""

from datetime import datetime, timedelta
from typing import Any

from devtools.scale.context import Context
from devtools.scale.multiline import requirement_rows
from orders.models import OrderFormVersion
from requirements.models import Requirement, RequirementSet

# A requirement's other fields follow from its question, key and position: their
# COPY text is made once for each (CopyTable.add).
REQUIREMENT_VARYING = frozenset({"id", "requirement_set_id", "value"})


def revision_add(
    ctx: Context,
    *,
    order: dict,
    number: int,
    answers: dict[str, Any],
    version: OrderFormVersion,
    created_at: datetime,
    submitted: bool,
    state: str,
) -> tuple[dict, list[dict]]:
    service = ctx.users["service"]
    revision = ctx.add(
        RequirementSet,
        {
            "order_id": order["id"],
            "number": number,
            "state": state,
            "answers": answers,
            "reason": "" if number == 1 else "Customer changed the quantity",
            "channel": "" if number == 1 else order["channel"],
            "requested_by": "" if number == 1 else "Customer buyer",
            "created_by_id": service.pk,
            "created_at": created_at,
            # A change came in writing; revision 1's order says (None here).
            "documented_statement": None if number == 1 else True,
            "submitted_by_id": service.pk if submitted else None,
            "submitted_at": created_at + timedelta(minutes=20) if submitted else None,
        },
        user=service,
        when=created_at,
    )
    if not submitted:
        return revision, []
    outer, groups = ctx.line_sections[version.pk]
    if groups:
        made = requirement_rows(answers, outer, groups)
    else:
        made = [
            (q, q.key, q.label, answers[q.key], q.position)
            for q in outer
            if q.key in answers
        ]
    requirements = [
        ctx.add(
            Requirement,
            {
                "requirement_set_id": revision["id"],
                "question_id": question.pk,
                "key": key,
                "statement": statement,
                "value": value,
                "category": question.category,
                "discipline_id": question.discipline_id,
                "source": Requirement.Source.FORM,
                "position": position,
                "created_by_id": service.pk,
            },
            user=service,
            when=revision["submitted_at"],
            varying=REQUIREMENT_VARYING,
        )
        for question, key, statement, value, position in made
    ]
    return revision, requirements
