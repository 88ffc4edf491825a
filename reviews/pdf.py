"""The acceptance record as a PDF, written by fpdf2 (pure Python, no system libraries).

fpdf2's built-in Helvetica covers Latin-1 only, so text outside it is transliterated
where Unicode allows and replaced by "?" otherwise; the web page stays the full record.
"""

import unicodedata
from datetime import UTC
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from reviews.templatetags.reviews_tags import requirement_value

_REPLACEMENTS = {"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "..."}


def _latin1(text: object) -> str:
    value = str(text)
    for old, new in _REPLACEMENTS.items():
        value = value.replace(old, new)
    try:
        value.encode("latin-1")
        return value
    except UnicodeEncodeError:
        pass
    decomposed = unicodedata.normalize("NFKD", value)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return (
        unicodedata.normalize("NFC", kept)
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


def _when(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


class _Record(FPDF):
    def heading(self, text: str) -> None:
        self.ln(3)
        self.set_font("Helvetica", "B", 12)
        self.multi_cell(0, 7, _latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", "", 10)

    def line_of(self, text: str, *, bold: bool = False, size: int = 10) -> None:
        self.set_font("Helvetica", "B" if bold else "", size)
        self.multi_cell(0, 5, _latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", "", 10)


def acceptance_record_pdf(context: dict[str, Any]) -> bytes:
    """Render the acceptance record context (see views._record_context)."""
    order = context["order"]
    revision = context["revision"]
    review = context["review"]
    decision = context["decision"]
    doc = _Record(format="A4")
    doc.set_title(f"Acceptance record {order.number} rev. {revision.number}")
    doc.set_author("OrderReview")
    doc.set_auto_page_break(auto=True, margin=15)
    doc.add_page()
    doc.line_of(
        f"Acceptance record - {order.number}, revision {revision.number}",
        bold=True,
        size=15,
    )
    doc.line_of(f"Customer: {order.customer.name} ({order.customer.account_code})")
    doc.line_of(f"Customer reference: {order.customer_reference or '-'}")
    doc.line_of(f"Review: {review.get_state_display()}, due {review.due_date}")

    doc.heading("Requirements and assessments")
    for group in context["groups"]:
        doc.line_of(str(group.discipline), bold=True)
        for assessment in group.assessments:
            requirement = assessment.requirement
            doc.line_of(
                f"- {requirement.statement}: {requirement_value(requirement.value)}"
            )
            verdict = assessment.get_verdict_display()
            who = (
                f" - {assessment.assessed_by.printed_name}, "
                f"{_when(assessment.assessed_at)}"
                if assessment.assessed_by
                else ""
            )
            doc.line_of(f"    {verdict}{who}")
            if assessment.note:
                doc.line_of(f"    Conditions / reason: {assessment.note}")

    doc.heading("Decision")
    if decision is None:
        doc.line_of("Not decided yet.")
    else:
        doc.line_of(
            f"{decision.get_outcome_display()} by {decision.decided_by.printed_name}"
            f", {_when(decision.decided_at)}"
        )
        if decision.reasons:
            doc.line_of(f"Reasons: {decision.reasons}")

    doc.heading("Signatures")
    for item in context["signatures"]:
        signature = item.signature
        doc.line_of(
            f"{signature.printed_name} ({signature.signer.username})", bold=True
        )
        doc.line_of(f"Meaning: {signature.meaning}")
        doc.line_of(f"Signed at: {_when(signature.signed_at)}")
        doc.set_font("Courier", "", 8)
        for label, value in (
            ("content SHA-256  ", signature.content_hash),
            ("previous hash    ", signature.previous_hash),
            ("signature hash   ", signature.signature_hash),
            ("chain key id     ", signature.key_id),
        ):
            doc.multi_cell(0, 4, f"{label}{value}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        verdict = "verified" if item.check.ok else f"BROKEN: {item.check.problem}"
        doc.line_of(f"Verification: {verdict}")
        doc.ln(2)
    if not context["signatures"]:
        doc.line_of("No signature.")
    for failure in context.get("chain_failures", []):
        doc.line_of(f"VERIFICATION FAILED: {failure}", bold=True)
    _chain_head(doc, context.get("chain_head"))
    return bytes(doc.output())


def _chain_head(doc: _Record, head: Any) -> None:
    """The whole chain's head when printed: kept with the paper, it lets an auditor
    prove later (verify_signatures --head) that the chain was not rewritten."""
    doc.heading("Signature chain head when printed")
    if head is None:
        doc.line_of("No signature in the chain yet.")
        return
    doc.line_of(
        f"Signature #{head.pk}, key id {head.key_id}, signed {_when(head.signed_at)}"
    )
    doc.set_font("Courier", "", 8)
    doc.multi_cell(0, 4, head.signature_hash, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.line_of("Check it later with: manage.py verify_signatures --head <hash>")
