"""The customer's answer to conditions, with the communication that documents it:
two apps' writes in one transaction (communications may not import reviews, and
reviews may not import communications, so the pages layer joins them)."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from communications import services as communication_services
from communications.models import Communication
from orderreview.models import User
from reviews import agreements
from reviews.models import CustomerAgreement

# How an answer's "via" reads as a communication's channel.
VIA_TO_CHANNEL = {
    CustomerAgreement.Via.PORTAL: Communication.Channel.WEB_PORTAL,
    CustomerAgreement.Via.PHONE: Communication.Channel.PHONE,
    CustomerAgreement.Via.EMAIL: Communication.Channel.EMAIL,
    CustomerAgreement.Via.MEETING: Communication.Channel.MEETING,
    CustomerAgreement.Via.LETTER: Communication.Channel.LETTER,
    CustomerAgreement.Via.OTHER: Communication.Channel.OTHER,
}


def customer_answer_record(
    *,
    agreement: CustomerAgreement,
    state: str,
    answered_by_name: str,
    answered_via: str,
    answered_at: datetime.datetime,
    comment: str,
    recorded_by: User | None,
    communication: Communication | None = None,
    note: str = "",
) -> CustomerAgreement:
    """Record the customer's answer and the inbound communication documenting it
    (a new one from note unless one on file is given), in one transaction: a
    refused answer leaves no communication behind."""
    agreements.agreement_answer_check(
        agreement=agreement,
        state=state,
        answered_by_name=answered_by_name,
        answered_via=answered_via,
        answered_at=answered_at,
        comment=comment,
    )
    with transaction.atomic():
        if communication is None:
            order = agreement.order
            verb = (
                "agreed to" if state == CustomerAgreement.State.AGREED else ("declined")
            )
            body = note.strip() or comment.strip()
            communication = _communication_record(
                customer=order.customer,
                order=order,
                direction=Communication.Direction.INBOUND,
                channel=VIA_TO_CHANNEL.get(answered_via, Communication.Channel.OTHER),
                kind=Communication.Kind.OTHER,
                subject=f"{answered_by_name.strip()[:100]} {verb} the conditions of "
                f"{order.number} (revision {agreement.revision_number})",
                body=body,
                occurred_at=answered_at,
                recorded_by=recorded_by,
            )
        return agreements.agreement_answer(
            agreement=agreement,
            state=state,
            answered_by_name=answered_by_name,
            answered_via=answered_via,
            answered_at=answered_at,
            comment=comment,
            communication=communication,
            recorded_by=recorded_by,
        )


# The communication's fields as the answer form names them.
_FIELD_NAMES = {"occurred_at": "answered_at", "subject": "note", "body": "note"}


def _communication_record(**fields: Any) -> Communication:
    try:
        return communication_services.communication_record(**fields)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {_FIELD_NAMES.get(k, k): v for k, v in error.error_dict.items()}
        ) from error
