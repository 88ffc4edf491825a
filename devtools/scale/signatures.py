"""Signatures for seed_scale's decisions, made as reviews.services makes them."""

from devtools.scale.confirmations import confirmation_instance
from devtools.scale.context import Context
from orders.models import Customer, Discipline, Order
from requirements.models import Requirement, RequirementSet
from reviews import signing
from reviews.models import Assessment, Decision, Signature


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
    unsaved model instances with the relations the content reads; the content comes
    from signing.rows_content and every other field from signing.new_signature_fields,
    so the hashes are the service's."""
    users = {u.pk: u for u in ctx.users.values()}
    disciplines = {
        pk: Discipline(pk=pk, slug=slug) for pk, slug in ctx.discipline_slugs.items()
    }
    questions = {
        q.pk: q for _, version_questions in ctx.versions for q in version_questions
    }
    by_id: dict[int, Requirement] = {}
    for row in requirements:
        requirement = Requirement(**row)
        requirement.discipline = disciplines[row["discipline_id"]]
        requirement.question = questions.get(row["question_id"])
        by_id[row["id"]] = requirement
    assessed = []
    for row in assessments:
        assessment = Assessment(**row)
        assessment.requirement = by_id[row["requirement_id"]]
        assessment.discipline = disciplines[row["discipline_id"]]
        assessment.assessed_by = users.get(row["assessed_by_id"])
        assessed.append(assessment)
    signed_order = Order(**order)
    signed_order.customer = Customer(
        pk=customer[0], account_code=customer[1], name=customer[2]
    )
    signed_revision = RequirementSet(**revision)
    signed_revision.submitted_by = users.get(revision["submitted_by_id"])
    signed_revision.order = signed_order
    signer = users[decision["decided_by_id"]]
    signed_decision = Decision(**decision)
    signed_decision.decided_by = signer
    content = signing.rows_content(
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
