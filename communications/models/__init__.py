"""Everything said to and by the customer, the notices we send, the catalog, and the
customer's property in our care: one module per topic, all imported here so Django
registers them and the rest of the code imports them from communications.models."""

from communications.models.catalog import CatalogClaim, Offering, claim_evidence_path
from communications.models.customer_property import CustomerProperty
from communications.models.log import (
    Communication,
    CommunicationAttachment,
    attachment_path,
)
from communications.models.notices import NoticeKind, NoticeTemplate, OutboundNotice

__all__ = [
    "CatalogClaim",
    "Communication",
    "CommunicationAttachment",
    "CustomerProperty",
    "NoticeKind",
    "NoticeTemplate",
    "Offering",
    "OutboundNotice",
    "attachment_path",
    "claim_evidence_path",
]
