"""The "confirmation" part of signed content format 3 (reviews.signing): how the
customer confirmed a revision given without a documented statement (ISO 9001
8.2.3.1). Pure: it reads the instances it is given, never the database."""

from typing import Any

from requirements.models import statement_documented
from reviews.signed_people import signed_person


def confirmation_content(
    order: Any, revision: Any, confirmation: Any
) -> dict[str, object] | None:
    """None when the revision came with a documented statement; else who confirmed
    it, how and when, and the communication (id, date, subject) or file (id,
    name) it happened in. Every key is there, null while nothing is recorded (a
    rejection needs no confirmation)."""
    if statement_documented(revision, order):
        return None
    if confirmation is None:
        return {
            "method": None,
            "confirmed_at": None,
            "confirmed_by": None,
            "legacy": False,
            "communication": None,
            "attachment": None,
        }
    communication = confirmation.communication
    attachment = confirmation.attachment
    return {
        "method": confirmation.method,
        "confirmed_at": confirmation.confirmed_at,
        "confirmed_by": signed_person(confirmation.confirmed_by),
        "legacy": confirmation.legacy,
        "communication": None
        if communication is None
        else {
            "id": communication.pk,
            "occurred_at": communication.occurred_at,
            "subject": communication.subject,
        },
        "attachment": None
        if attachment is None
        else {"id": attachment.pk, "name": attachment.original_name},
    }
