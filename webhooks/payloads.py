"""The JSON body of each event: that one order's data and nothing else.

Built once, when the event happens (after its transaction commits), from the
database rows of that event; every delivery of the event carries the same body.
"""

import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from communications.models import OutboundNotice
from orders.models import Order
from requirements.models import RequirementSet
from reviews.models import Review
from webhooks.models import PING, EventType


def absolute(path: str) -> str:
    """A link a receiver can follow: the worker has no request, so SITE_URL."""
    return settings.SITE_URL.rstrip("/") + path


def envelope(event_type: str, data: dict[str, Any], *, now: datetime | None = None):  # noqa: ANN201
    """(event id, body) for one event."""
    event_id = uuid.uuid4()
    body = {
        "id": str(event_id),
        "type": event_type,
        "created": (now or timezone.now()).isoformat(),
        "data": data,
    }
    return event_id, body


def order_data(order: Order) -> dict[str, Any]:
    customer = order.customer
    return {
        "number": order.number,
        "status": order.status,
        "url": absolute(reverse("api:order_detail", args=[order.number])),
        "customer": {
            "id": customer.pk,
            "name": customer.name,
            "account_code": customer.account_code,
        },
    }


def revision_submitted_data(revision: RequirementSet) -> tuple[str, dict[str, Any]]:
    event_type = (
        EventType.ORDER_SUBMITTED
        if revision.number == 1
        else EventType.CHANGE_ORDER_SUBMITTED
    )
    return event_type, {
        "order": order_data(revision.order),
        "revision": revision.number,
        "submitted_at": (revision.submitted_at or timezone.now()).isoformat(),
    }


def review_decided_data(review: Review) -> tuple[str, dict[str, Any]]:
    revision = review.requirement_set.number
    decision = review.decision
    signature = decision.signatures.order_by("-pk").first()
    record = reverse("reviews:acceptance_record", args=[review.order.number, revision])
    event_type = (
        EventType.REVIEW_DECIDED if revision == 1 else EventType.CHANGE_ORDER_DECIDED
    )
    return event_type, {
        "order": order_data(review.order),
        "revision": revision,
        "decision": {
            "outcome": decision.outcome,
            "accepted": decision.outcome == "accept",
            "decided_at": decision.decided_at.isoformat(),
            "acceptance_record_url": absolute(record),
            "content_hash": signature.content_hash if signature else None,
        },
    }


def notice_failed_data(notice: OutboundNotice) -> tuple[str, dict[str, Any]]:
    return EventType.NOTICE_FAILED, {
        "order": order_data(notice.order),
        "revision": notice.revision_number,
        "notice": {
            "id": notice.pk,
            "kind": notice.kind,
            "attempts": notice.attempts,
        },
    }


def ping_data(endpoint_pk: int) -> tuple[str, dict[str, Any]]:
    return PING, {"endpoint": endpoint_pk, "message": "A test ping from OrderReview."}
