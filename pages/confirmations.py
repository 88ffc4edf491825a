"""Recording a revision's customer confirmation together with the conversation it
happened in: a write across two apps (communications files the conversation,
requirements records the confirmation pointing at it), so it is orchestrated here,
above both, in one transaction."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from communications import services as communication_services
from communications.models import Communication, CommunicationAttachment
from orderreview.models import User
from requirements import confirmations
from requirements.models import RequirementSet, RevisionConfirmation

# The communication service's argument names -> the form's fields for them.
NEW_COMMUNICATION_FIELDS = {
    "subject": "new_subject",
    "channel": "new_channel",
    "occurred_at": "new_occurred_at",
}


def _renamed(error: ValidationError) -> ValidationError:
    """The communication service's errors under the form's field names."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {
            NEW_COMMUNICATION_FIELDS.get(key, key): messages
            for key, messages in error.error_dict.items()
        }
    )


@transaction.atomic
def revision_confirm(
    *,
    revision: RequirementSet,
    user: User,
    method: str,
    confirmed_at: datetime.datetime,
    link: Communication | CommunicationAttachment | None = None,
    new_subject: str = "",
    new_channel: str = Communication.Channel.PHONE,
    new_occurred_at: datetime.datetime | None = None,
) -> RevisionConfirmation:
    """Record that the customer confirmed revision's requirements (ISO 9001
    8.2.3.1), in the communication or file link, or in a conversation filed now
    from new_subject, new_channel and new_occurred_at (default: confirmed_at) as
    an inbound communication on the order. Nothing is written unless both are."""
    confirmations.confirmation_check(
        revision=revision, method=method, confirmed_at=confirmed_at
    )
    communication = link if isinstance(link, Communication) else None
    attachment = link if isinstance(link, CommunicationAttachment) else None
    if link is None and new_subject.strip():
        order = revision.order
        try:
            communication = communication_services.communication_record(
                customer=order.customer,
                order=order,
                direction=Communication.Direction.INBOUND,
                channel=new_channel or Communication.Channel.PHONE,
                kind=Communication.Kind.OTHER,
                subject=new_subject,
                body=f"The customer confirmed the requirements of revision "
                f"{revision.number}: {method.strip()}",
                occurred_at=new_occurred_at or confirmed_at,
                recorded_by=user,
            )
        except ValidationError as error:
            raise _renamed(error) from None
    try:
        return confirmations.confirmation_record(
            revision=revision,
            user=user,
            method=method,
            confirmed_at=confirmed_at,
            communication=communication,
            attachment=attachment,
        )
    except ValidationError as error:
        if hasattr(error, "error_dict") and "communication" in error.error_dict:
            raise ValidationError(
                {"link": error.error_dict.pop("communication"), **error.error_dict}
            ) from None
        raise
