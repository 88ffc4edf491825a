"""How the audit app answers the domain events it listens to (orderreview.events)."""

from typing import Any

from audit.models import Disposal


def disposed_orders(**kwargs: Any) -> dict[int, str]:
    """disposed_orders_asked: every order whose disposal was carried out, with
    the note verify_signatures prints for it."""
    disposals = Disposal.objects.filter(
        state=Disposal.State.DISPOSED, order__isnull=False
    ).select_related("decided_by")
    return {d.order_id: f"{d.record_label}: {d.summary}" for d in disposals}
