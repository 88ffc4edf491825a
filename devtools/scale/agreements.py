"""The customer's answer to a conditional acceptance, for seed_scale: a pending
agreement, or a decline documented by an inbound communication."""

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from devtools.scale.context import Context
from reviews.models import CustomerAgreement


def agreement_add(
    ctx: Context,
    *,
    order: dict,
    revision: dict,
    decision: dict,
    signature: dict,
    requirements: list[dict],
    assessments: list[dict],
    declined: bool,
    record: Callable[..., dict],
) -> datetime:
    """The agreement row of a signed conditional acceptance (the conditions as the
    requirements' keys and notes say); with declined, the customer's decline and the
    communication it was recorded with. Returns when the order last changed."""
    decided_at = decision["decided_at"]
    statements = {r["id"]: (r["key"], r["statement"]) for r in requirements}
    token = f"scale-{ctx.rnd.getrandbits(128):032x}"
    row: dict[str, Any] = {
        "decision_id": decision["id"],
        "order_id": order["id"],
        "revision_number": revision["number"],
        "content_hash": signature["content_hash"],
        "conditions": [
            {
                "statement": statements[slot["requirement_id"]][1],
                "key": statements[slot["requirement_id"]][0],
                "discipline": ctx.discipline_slugs.get(slot["discipline_id"], ""),
                "note": slot["note"],
            }
            for slot in assessments
            if slot["verdict"] == "conditions"
        ],
        "state": CustomerAgreement.State.PENDING,
        "answered_by_name": "",
        "answered_via": "",
        "answered_at": None,
        "comment": "",
        "recorded_by_id": None,
        "communication_id": None,
        "token_hash": hashlib.sha256(token.encode()).hexdigest(),
        "token_expires_at": decided_at + timedelta(days=settings.PORTAL_LINK_DAYS),
        "token_used_at": None,
        "created_at": decided_at,
    }
    if not declined:
        ctx.add(CustomerAgreement, row, user=ctx.users["approver"], when=decided_at)
        return decided_at
    service = ctx.users["service"]
    answered_at = min(decided_at + timedelta(days=2), ctx.now)
    communication = record(
        ctx,
        order=order,
        kind="other",
        direction="in",
        subject=f"Conditions of {order['number']} declined",
        when=answered_at,
        user=service,
    )
    row.update(
        state=CustomerAgreement.State.DECLINED,
        answered_by_name="Purchasing",
        answered_via=CustomerAgreement.Via.PHONE,
        answered_at=answered_at,
        comment="The condition does not suit our schedule.",
        recorded_by_id=service.pk,
        communication_id=communication["id"],
    )
    ctx.add(CustomerAgreement, row, user=service, when=answered_at)
    return answered_at
