"""The acceptance record as a PDF, written by fpdf2 (pure Python, no system libraries).

Text is drawn with fonts shipped in reviews/fonts/ (DejaVu Sans, with Droid Sans
Fallback for Chinese, Japanese and Korean; licences beside them), so names and
values print as typed. A character none of them can draw is printed as [U+XXXX]:
visibly marked, never dropped or turned into "?".

The record prints what was signed (reviews.record.record_content), and says
"verified" only when the hashes hold and today's rows still match the signed
content apart from legitimate, recorded edits.
"""

from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from orders.orderforms import line_groups
from reviews import approval

FONTS = Path(__file__).resolve().parent / "fonts"
SANS = "DejaVuSans"
MONO = "DejaVuSansMono"
FALLBACK = "DroidSansFallback"
_FILES = {
    (SANS, ""): "DejaVuSans.ttf",
    (SANS, "B"): "DejaVuSans-Bold.ttf",
    (MONO, ""): "DejaVuSansMono.ttf",
    (FALLBACK, ""): "DroidSansFallback.ttf",
}


@cache
def _drawable() -> frozenset[int]:
    """Code points the regular text fonts (sans and its fallback) can draw."""
    points: set[int] = set()
    for name in (_FILES[(SANS, "")], _FILES[(FALLBACK, "")]):
        font = TTFont(FONTS / name, lazy=True)
        points.update(font.getBestCmap())
        font.close()
    return frozenset(points)


def printable(text: object) -> str:
    """Text as the PDF can draw it: each character no shipped font has becomes
    [U+XXXX], so nothing typed disappears silently."""
    drawable = _drawable()
    return "".join(
        ch if ord(ch) in drawable or ch in "\n\t" else f"[U+{ord(ch):04X}]"
        for ch in str(text)
    )


def _when(value: datetime | None) -> str:
    if value is None:
        return "-"
    return f"{value.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


class _Record(FPDF):
    # Printed at the foot of every page with "Page n of m": a page that comes
    # loose from a 100-page record still says which record it belongs to.
    running_title = ""

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(SANS, "", 8)
        title = printable(self.running_title)
        if not self._main_draws(title):
            self._fallback_ready()
        self.cell(0, 5, title, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")

    def setup_fonts(self) -> None:
        for (family, style), name in _FILES.items():
            if family != FALLBACK:
                self.add_font(family, style, str(FONTS / name))

    def _fallback_ready(self) -> None:
        """Load the fallback font for Chinese, Japanese and Korean only for a record
        that has such text: it is 3.4 MB and takes about a second to read, more
        than the rest of a 100-page record's fonts together."""
        if FALLBACK.lower() not in self.fonts:
            self.add_font(FALLBACK, "", str(FONTS / _FILES[(FALLBACK, "")]))
            self.set_fallback_fonts([FALLBACK])

    def _main_draws(self, text: str) -> bool:
        main = self.current_font.cw
        return all(main.get(code) is not None for code in map(ord, text))

    def heading(self, text: str) -> None:
        self.ln(3)
        self.line_of(text, bold=True, size=12)

    def line_of(self, text: str, *, bold: bool = False, size: int = 10) -> None:
        self.set_font(SANS, "B" if bold else "", size)
        # Our own line breaking, one cell a line: fpdf2's multi_cell measured about
        # 12 KB of text a second, so the largest record the text limits allow took
        # almost a minute; this is some twenty times faster (make bench-pdf).
        shown = printable(text)
        plain = self._main_draws(shown)
        if not plain:
            self._fallback_ready()
        for line in self._wrapped(shown):
            if plain or self._main_draws(line):
                self._plain_line(line)
            else:  # cell() finds the fallback font for what the main one lacks
                self.cell(0, 5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(SANS, "", 10)

    def _plain_line(self, line: str, height: float = 5) -> None:
        """One line the main font draws entirely, placed as cell() would place it,
        without cell()'s per-character fallback search."""
        if self.y + height > self.page_break_trigger:
            self.add_page()
        baseline = self.y + 0.5 * height + 0.3 * self.font_size
        if line:
            self.text(self.l_margin + self.c_margin, baseline, line)
        self.x = self.l_margin
        self.y += height

    def _width(self, text: str) -> float:
        """Width of text in the current font, CJK from the fallback font."""
        main = self.current_font.cw
        # Loaded before any text that needs it is measured (line_of).
        loaded = self.fonts.get(FALLBACK.lower())
        fallback = loaded.cw if loaded is not None else {}
        units = sum(
            main.get(code) or fallback.get(code) or 1000 for code in map(ord, text)
        )
        return units * self.font_size / 1000

    def _wrapped(self, text: str) -> list[str]:
        """text broken into lines that fit the page width: at spaces, and inside a
        word only when the word alone is wider than a line."""
        limit = self.epw
        space = self._width(" ")
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line: list[str] = []
            used = 0.0
            for word in paragraph.split(" "):
                width = self._width(word)
                while width > limit:  # a word longer than a line: cut it
                    if line:
                        lines.append(" ".join(line))
                        line, used = [], 0.0
                    cut = self._fitting(word, limit)
                    lines.append(word[:cut])
                    word = word[cut:]
                    width = self._width(word)
                extra = width + (space if line else 0.0)
                if line and used + extra > limit:
                    lines.append(" ".join(line))
                    line, used = [word], width
                else:
                    line.append(word)
                    used += extra
            lines.append(" ".join(line))
        return lines

    def _fitting(self, word: str, limit: float) -> int:
        """How many leading characters of word fit in limit (at least one)."""
        used = 0.0
        for index, char in enumerate(word):
            used += self._width(char)
            if used > limit:
                return max(index, 1)
        return len(word)


def _person(value: object) -> str:
    return value.get("printed_name", "") if isinstance(value, dict) else ""


def acceptance_record_pdf(context: dict[str, Any]) -> bytes:
    """Render the acceptance record context (see record_views.record_context)."""
    record = context["record"]
    revision = context["revision"]
    review = context["review"]
    decision = context["decision"]
    order = record.order
    doc = _Record(format="A4")
    doc.setup_fonts()
    doc.set_title(f"Acceptance record {order.get('number')} rev. {revision.number}")
    doc.set_author("OrderReview")
    doc.set_auto_page_break(auto=True, margin=15)
    is_quote = getattr(context.get("order"), "is_quote", False)
    title = "Quote review record" if is_quote else "Acceptance record"
    doc.running_title = f"{title} {order.get('number')}, revision {revision.number}"
    doc.add_page()
    doc.line_of(
        f"{title} - {order.get('number')}, revision {revision.number}",
        bold=True,
        size=15,
    )
    if record.signed:
        doc.line_of("Values as signed (read from the signed content).")
    doc.line_of(f"Customer: {order.get('customer_name')} ({order.get('customer')})")
    doc.line_of(f"Customer reference: {order.get('customer_reference') or '-'}")
    if record.value:
        doc.line_of(f"Order value: {record.value}")
    if confirmation := context.get("confirmation"):
        doc.line_of(f"Customer's statement: {confirmation.text}")
    doc.line_of(f"Review: {review.get_state_display()}, due {review.due_date}")

    doc.heading("Requirements and assessments")
    _requirement_rows(doc, record.rows)

    _statutory(doc, record.statutory)

    doc.heading("Decision")
    signed_decision = record.decision
    if decision is None or signed_decision is None:
        doc.line_of("Not decided yet.")
    else:
        who = _person(signed_decision.get("decided_by"))
        wording = context.get("decision_wording") or decision.get_outcome_display()
        doc.line_of(f"{wording} by {who}, {_when(decision.decided_at)}")
        if signed_decision.get("reasons"):
            doc.line_of(f"Reasons: {signed_decision['reasons']}")

    _agreement(doc, context.get("agreement"))
    _acknowledgements(doc, context.get("acknowledgements", []))
    _approval_rules(doc, context.get("approval"))

    if record.legitimate_changes:
        doc.heading("Changed since signing (recorded edits)")
        for change in record.legitimate_changes:
            item = change.difference
            doc.line_of(
                f"{item.label}: \u201c{item.before}\u201d when signed, "
                f"\u201c{item.after}\u201d now - {change.explained_by}"
            )
    if record.unexplained_changes:
        doc.heading("WARNING: records differ from the signed content")
        doc.line_of("No history explains these differences: possible tampering.")
        for change in record.unexplained_changes:
            item = change.difference
            doc.line_of(
                f"{item.label}: \u201c{item.before}\u201d when signed, "
                f"\u201c{item.after}\u201d now"
            )

    doc.heading("Signatures")
    for item in context["signatures"]:
        signature = item.signature
        doc.line_of(
            f"{signature.printed_name} ({signature.signer.username})", bold=True
        )
        doc.line_of(f"Meaning: {signature.meaning}")
        doc.line_of(f"Signed at: {_when(signature.signed_at)}")
        doc.line_of(f"Signed content format: {signature.content_format}")
        doc.set_font(MONO, "", 8)
        for label, value in (
            ("content SHA-256  ", signature.content_hash),
            ("previous hash    ", signature.previous_hash),
            ("signature hash   ", signature.signature_hash),
            ("chain key id     ", signature.key_id),
        ):
            doc.multi_cell(0, 4, f"{label}{value}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if not item.check.ok:
            verdict = f"BROKEN: {item.check.problem}"
        elif record.unexplained_changes:
            verdict = "FAILED: today's records differ from the signed content"
        else:
            verdict = "verified"
        doc.line_of(f"Verification: {verdict}")
        doc.ln(2)
    if not context["signatures"]:
        doc.line_of("No signature.")
    for failure in context.get("chain_failures", []):
        doc.line_of(f"VERIFICATION FAILED: {failure}", bold=True)
    _chain_head(doc, context.get("chain_head"))
    return bytes(doc.output())


def _requirement_rows(doc: _Record, rows: list[Any]) -> None:
    """The requirements and their assessments: those asked once first, then one
    part per line under its heading ("Line 3"), by discipline within each."""
    for group in line_groups.by_line(
        rows, key=lambda row: row.key, statement=lambda row: row.statement
    ):
        if group.is_line:
            doc.ln(2)
            doc.line_of(group.heading, bold=True, size=11)
        discipline = None
        for row in group.items:
            if row.discipline != discipline:
                discipline = row.discipline
                doc.line_of(discipline, bold=True)
            doc.line_of(f"- {row.statement}: {row.value}")
            who = (
                f" - {row.assessed_by}, {_when(row.assessed_at)}"
                if row.assessed_by
                else ""
            )
            doc.line_of(f"    {row.verdict or 'Not yet assessed'}{who}")
            if row.note:
                doc.line_of(f"    Conditions / reason: {row.note}")


def _statutory(doc: _Record, rows: list[Any]) -> None:
    """The statutory and regulatory checks (none in records before format 3)."""
    if not rows:
        return
    doc.heading("Statutory and regulatory requirements")
    for row in rows:
        doc.line_of(f"- {row.reference}: {row.title} ({row.discipline})")
        who = f" - {row.by}, {_when(row.at)}" if row.by else ""
        doc.line_of(f"    {row.state}{who}")
        if row.note:
            doc.line_of(f"    Reason: {row.note}")


def _agreement(doc: _Record, agreement: Any) -> None:
    """ISO 9001 8.2.3.1 e: the customer's answer to the conditions offered."""
    if agreement is None:
        return
    doc.heading("Customer agreement to conditions")
    doc.line_of(
        f"Conditions of revision {agreement.revision_number} (signed content "
        f"{agreement.content_hash[:16]}):"
    )
    for condition in agreement.conditions:
        doc.line_of(
            f"- {condition['statement']} ({condition['discipline']}): "
            f"{condition['note']}"
        )
    if agreement.is_pending:
        doc.line_of(agreement.get_state_display(), bold=True)
        return
    recorder = (
        f"recorded by {agreement.recorded_by.printed_name}"
        if agreement.recorded_by
        else "given through the portal"
    )
    doc.line_of(
        f"{agreement.get_state_display()} by {agreement.answered_by_name}, "
        f"{agreement.get_answered_via_display().lower()}, "
        f"{_when(agreement.answered_at)}; {recorder}",
        bold=True,
    )
    if agreement.comment:
        doc.line_of(f"Customer's comment: {agreement.comment}")
    if agreement.communication:
        doc.line_of(
            f"Documented by the communication: {agreement.communication.subject} "
            f"({_when(agreement.communication.occurred_at)})"
        )


def _acknowledgements(doc: _Record, items: list[Any]) -> None:
    """ISO 9001 8.2.4: who had and had not acknowledged the change at signing."""
    if not items:
        return
    doc.heading("Made aware of the change: acknowledgements at signing")
    for item in items:
        notification = item.notification
        person = f"{notification.user.printed_name} ({notification.reason})"
        if item.in_time:
            state = f"acknowledged {_when(notification.acknowledged_at)}"
        elif notification.acknowledged_at:
            state = (
                "NOT acknowledged at signing (acknowledged later, "
                f"{_when(notification.acknowledged_at)})"
            )
        else:
            state = "NOT acknowledged at signing"
        doc.line_of(f"- {person}: {state}")


def _approval_rules(doc: _Record, rules: Any) -> None:
    """Each approval rule that applied, as it was when signed, why, and who
    satisfied it."""
    if rules is None:
        return
    doc.heading("Approval rules at signing")
    if not rules.intact:
        doc.line_of(
            "WARNING: this snapshot of the rules does not match its signature",
            bold=True,
        )
    if not rules.rules:
        doc.line_of("No approval rule applied: one approver's signature was final.")
    for rule in rules.rules:
        first, *rest = approval.rule_lines(rule)
        doc.line_of(f"- {first}", bold=True)
        for line in rest:
            doc.line_of(f"  {line}")


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
