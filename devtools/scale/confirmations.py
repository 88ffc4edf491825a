"""Customer confirmations for seed_scale's orders given without a documented
statement, made as pages.confirmations records one: the conversation on file as an
inbound communication, and the revision's confirmation pointing at it."""

from datetime import datetime

from communications.models import Communication
from devtools.scale.context import Context
from requirements.models import RevisionConfirmation

METHOD = "Read back by phone to the buyer"


def confirmation_add(
    ctx: Context, *, order: dict, revision: dict, when: datetime
) -> tuple[dict, dict]:
    """(confirmation row, communication row) confirming revision at when."""
    service = ctx.users["service"]
    subject = f"Requirements of {order['number']} read back to the buyer"
    communication = ctx.add(
        Communication,
        {
            "customer_id": order["customer_id"],
            "order_id": order["id"],
            "direction": "in",
            "channel": "phone",
            "kind": "other",
            "subject": subject,
            "body": f"The customer confirmed the requirements of revision "
            f"{revision['number']}: {METHOD}",
            "occurred_at": when,
            "recorded_by_id": service.pk,
            "recorded_at": when,
            "follow_up": "",
            "resolution": "",
        },
        user=service,
        when=when,
    )
    confirmation = ctx.add(
        RevisionConfirmation,
        {
            "revision_id": revision["id"],
            "method": METHOD,
            "confirmed_at": when,
            "confirmed_by_id": service.pk,
            "communication_id": communication["id"],
            "legacy": False,
            "recorded_at": when,
        },
        user=service,
        when=when,
    )
    return confirmation, communication


def confirmation_instance(
    ctx: Context, rows: tuple[dict, dict] | None
) -> RevisionConfirmation | None:
    """The unsaved confirmation, with the relations the signed content reads."""
    if rows is None:
        return None
    confirmation_row, communication_row = rows
    confirmation = RevisionConfirmation(**confirmation_row)
    confirmation.confirmed_by = ctx.users["service"]
    confirmation.communication = Communication(**communication_row)
    return confirmation
