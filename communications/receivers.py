"""Reactions to domain events (orderreview.events); connected in apps.ready().

They run inside the sender's transaction, so the notice exists exactly when the
revision or decision does; the e-mail itself goes out after commit.
"""

from typing import Any

from communications import services


def on_revision_submitted(sender: Any, revision: Any, **kwargs: Any) -> None:
    services.notice_queue_acknowledgement(revision=revision)


def on_review_decided(sender: Any, review: Any, decision: Any, **kwargs: Any) -> None:
    services.notice_queue_decision(review=review, decision=decision)


def on_catalog_request_received(sender: Any, order: Any, **kwargs: Any) -> None:
    services.notice_queue_receipt(order=order)
