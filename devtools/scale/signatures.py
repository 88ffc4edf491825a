"""Signatures for seed_scale's decisions, made as reviews.services makes them."""

from typing import Any

from devtools.scale.confirmations import confirmation_instance
from devtools.scale.context import Context
from reviews import signing
from reviews.models import Signature


class _Row:
    """A row about to be COPYed, read as the instance signing reads (its fields as
    attributes, pk its id)."""

    def __init__(self, row: dict[str, Any]) -> None:
        self.__dict__.update(row)
        self.pk = row.get("id")


def sign(
    ctx: Context,
    *,
    order: dict,
    customer: tuple[int, str, str],
    revision: dict,
    requirements: list[dict],
    assessments: list[dict],
    decision: dict,
    confirmation: tuple[dict, dict] | None = None,
) -> dict:
    """Append a signature for decision at the chain head, as
    reviews.decision_final.signature_append does.

    The rows are not in the database until their batch is COPYed, so they become
    plain objects with the row's fields as attributes and the relations the content
    reads (model instances would cost more than the rest of the order together); the
    content comes from signing.rows_content_json (rows_content's canonical JSON,
    encoded once: hashed and COPYed as that text) and every other field from
    signing.new_signature_fields, so the hashes are the service's."""
    users = ctx.users_by_pk
    disciplines = ctx.disciplines
    questions = ctx.questions
    by_id: dict[int, Any] = {}
    for row in requirements:
        requirement = _Row(row)
        requirement.discipline = disciplines[row["discipline_id"]]
        requirement.question = questions.get(row["question_id"])
        by_id[row["id"]] = requirement
    assessed = []
    for row in assessments:
        assessment = _Row(row)
        assessment.requirement = by_id[row["requirement_id"]]
        assessment.discipline = disciplines[row["discipline_id"]]
        assessment.assessed_by = users.get(row["assessed_by_id"])
        assessed.append(assessment)
    signed_order = _Row(order)
    signed_order.customer = _Row(
        {"id": customer[0], "account_code": customer[1], "name": customer[2]}
    )
    signed_revision = _Row(revision)
    signed_revision.submitted_by = users.get(revision["submitted_by_id"])
    signed_revision.order = signed_order
    signer = users[decision["decided_by_id"]]
    signed_decision = _Row(decision)
    signed_decision.decided_by = signer
    content = signing.rows_content_json(
        signing.SignedRows(
            order=signed_order,
            revision=signed_revision,
            requirements=list(by_id.values()),
            assessments=assessed,
            confirmation=confirmation_instance(ctx, confirmation),
        ),
        signed_decision,
    )
    signed_at = decision["decided_at"]
    row = {
        "id": ctx.take_id(Signature),
        **signing.new_signature_fields(
            decision_id=decision["id"],
            outcome=decision["outcome"],
            signer=signer,
            signed_at=signed_at,
            content=content,
            previous_hash=ctx.head,
        ),
    }
    ctx.add(Signature, row, user=signer, when=signed_at)
    ctx.head = row["signature_hash"]
    return row
