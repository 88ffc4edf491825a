"""Signatures for seed_scale's decisions, computed as reviews.services does."""

from types import SimpleNamespace

from devtools.scale.context import Context
from reviews import signing
from reviews.models import Signature


def sign(
    ctx: Context,
    *,
    order: dict,
    customer: tuple[int, str, str],
    revision: dict,
    requirements: list[dict],
    assessments: list[dict],
    decision: dict,
) -> None:
    """Append a signature for decision at the chain head, as _signature_append does:
    the content goes through signing.review_content and the link through
    signing.new_signature_hash (keyed), so the hashes are the service's."""
    users = {u.pk: u for u in ctx.users.values()}
    disciplines = ctx.discipline_slugs
    questions = {
        q.pk: q for _, version_questions in ctx.versions for q in version_questions
    }

    def req_ns(row: dict) -> SimpleNamespace:
        return SimpleNamespace(
            pk=row["id"],
            question=questions.get(row.get("question_id")),
            position=row["position"],
            key=row["key"],
            statement=row["statement"],
            value=row["value"],
            category=row["category"],
            source=row["source"],
            discipline=SimpleNamespace(slug=disciplines[row["discipline_id"]]),
        )

    by_id = {row["id"]: req_ns(row) for row in requirements}
    review = SimpleNamespace(
        order=SimpleNamespace(
            number=order["number"],
            customer=SimpleNamespace(account_code=customer[1], name=customer[2]),
            customer_reference=order["customer_reference"],
            channel=order["channel"],
            requested_date=order["requested_date"],
        ),
        requirement_set=SimpleNamespace(
            number=revision["number"],
            reason=revision["reason"],
            submitted_by=users.get(revision["submitted_by_id"]),
            submitted_at=revision["submitted_at"],
            requirements=SimpleNamespace(all=lambda: list(by_id.values())),
        ),
        assessments=SimpleNamespace(
            all=lambda: [
                SimpleNamespace(
                    requirement_id=a["requirement_id"],
                    requirement=by_id[a["requirement_id"]],
                    discipline=SimpleNamespace(slug=disciplines[a["discipline_id"]]),
                    verdict=a["verdict"],
                    note=a["note"],
                    assessed_by=users.get(a["assessed_by_id"]),
                    assessed_at=a["assessed_at"],
                    carried_from_id=a["carried_from_id"],
                )
                for a in assessments
            ]
        ),
    )
    signer = users[decision["decided_by_id"]]
    decision_ns = SimpleNamespace(
        outcome=decision["outcome"],
        reasons=decision["reasons"],
        decided_by=signer,
        decided_at=decision["decided_at"],
    )
    content = signing.review_content(review, decision_ns)
    digest = signing.content_hash(content)
    meaning = signing.MEANINGS[decision["outcome"]]
    signed_at = decision["decided_at"]
    signature_id = ctx.take_id(Signature)
    key_id, signature_hash = signing.new_signature_hash(
        decision_id=decision["id"],
        signer_id=signer.pk,
        printed_name=signer.printed_name,
        meaning=meaning,
        signed_at=signed_at,
        content_hash=digest,
        previous_hash=ctx.head,
    )
    row = {
        "id": signature_id,
        "decision_id": decision["id"],
        "signer_id": signer.pk,
        "printed_name": signer.printed_name,
        "meaning": meaning,
        "signed_at": signed_at,
        "content": content,
        "content_format": signing.CONTENT_FORMAT,
        "content_hash": digest,
        "previous_hash": ctx.head,
        "signature_hash": signature_hash,
        "key_id": key_id,
    }
    ctx.add(Signature, row, user=signer, when=signed_at)
    ctx.head = row["signature_hash"]
