"""The customer confirmation line of the acceptance record and its PDF (ISO 9001
8.2.3.1): "Documented statement", or "Confirmed by phone on ... by ..., see
communication ...". Read from the signed content when its format carries it (3 on),
else from today's rows, and said so."""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from requirements.confirmations import confirmation_of
from reviews.signed_confirmation import confirmation_content
from reviews.signing import canonical_json


@dataclass(frozen=True)
class ConfirmationShown:
    documented: bool
    # From the signed content (format 3 on), or today's rows for older formats.
    in_content: bool
    method: str = ""
    confirmed_at: datetime | None = None
    confirmed_by: str = ""
    communication_id: int | None = None
    communication_subject: str = ""
    communication_at: datetime | None = None
    attachment_id: int | None = None
    attachment_name: str = ""
    legacy: bool = False

    @property
    def confirmed(self) -> bool:
        return bool(self.method)

    @property
    def text(self) -> str:
        """The line in words, for the PDF (the page links the communication)."""
        if self.documented:
            return "Documented statement of requirements from the customer."
        if not self.confirmed:
            return "No documented statement, and no customer confirmation recorded."
        when = f"{self.confirmed_at:%Y-%m-%d %H:%M} UTC" if self.confirmed_at else "-"
        text = f"Confirmed by {self.method} on {when}"
        if self.confirmed_by:
            text += f" by {self.confirmed_by}"
        if self.communication_id:
            text += f", see communication “{self.communication_subject}”"
            if self.communication_at:
                text += f" of {self.communication_at:%Y-%m-%d %H:%M} UTC"
            text += f" (#{self.communication_id})"
        if self.attachment_id:
            text += f", file {self.attachment_name} (#{self.attachment_id})"
        if self.legacy:
            text += " (recorded on the order before confirmations were per revision)"
        return text + "."


def _when(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def confirmation_shown(content: dict[str, Any], review: Any) -> ConfirmationShown:
    """The confirmation as the record shows it, for a content (signed or live)."""
    in_content = "confirmation" in content
    if in_content:
        part = content["confirmation"]
    else:  # an older format: today's rows, in the signed content's JSON spelling
        revision = review.requirement_set
        live = confirmation_content(review.order, revision, confirmation_of(revision))
        part = json.loads(canonical_json(live))
    if part is None:
        return ConfirmationShown(documented=True, in_content=in_content)
    communication = part.get("communication") or {}
    attachment = part.get("attachment") or {}
    return ConfirmationShown(
        documented=False,
        in_content=in_content,
        method=part.get("method") or "",
        confirmed_at=_when(part.get("confirmed_at")),
        confirmed_by=(part.get("confirmed_by") or {}).get("printed_name", ""),
        communication_id=communication.get("id"),
        communication_subject=communication.get("subject", ""),
        communication_at=_when(communication.get("occurred_at")),
        attachment_id=attachment.get("id"),
        attachment_name=attachment.get("name", ""),
        legacy=bool(part.get("legacy")),
    )
