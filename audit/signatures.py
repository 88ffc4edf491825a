"""The signature chain check, as the auditor's page shows it.

The check itself belongs to reviews (reviews.selectors.chain_report: the chain, the
decisions' signatures and the heads log kept outside the database); this module adds
the chain head's signature row so the page can say who signed last and on what.
"""

from dataclasses import dataclass

from reviews import selectors as review_selectors
from reviews.models import Signature


@dataclass
class ChainReport:
    ok: bool
    summary: str
    head_hash: str
    length: int
    broken_pk: int | None
    head: Signature | None
    failures: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    unkeyed_note: str = ""


def chain_report() -> ChainReport:
    """Recompute every signature and the chain; find the head's row."""
    report = review_selectors.chain_report()
    head = (
        Signature.objects.select_related("signer", "decision__review__order")
        .order_by("-pk")
        .first()
    )
    return ChainReport(
        ok=report.ok,
        summary=report.summary,
        head_hash=report.head,
        length=report.count,
        broken_pk=report.broken_pk,
        head=head,
        failures=report.failures,
        notes=report.notes,
        unkeyed_note=report.unkeyed_note,
    )
