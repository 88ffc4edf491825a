"""What differs between two signed contents, in words a person reads.

The sign page lists what changed since the approver opened it, and the acceptance
record what changed since a decision was signed: both compare two contents of the
same format (reviews.signing.review_content) with content_differences(). Pure.
"""

from dataclasses import dataclass
from typing import Any

from reviews.signing import canonical_json

ORDER_FIELDS = {
    "number": "Order number",
    "customer": "Customer account code",
    "customer_name": "Customer name",
    "customer_reference": "Customer reference",
    "channel": "Channel",
    "requested_date": "Requested date",
}
REVISION_FIELDS = {
    "number": "Revision number",
    "reason": "Reason",
    "submitted_by": "Submitted by",
    "submitted_at": "Submitted at",
}
REQUIREMENT_FIELDS = {
    "statement": "statement",
    "display": "value as shown",
    "value": "value",
    "category": "category",
    "discipline": "discipline",
    "source": "source",
}
ASSESSMENT_FIELDS = {
    "verdict": "verdict",
    "note": "conditions / reason",
    "assessed_by": "assessed by",
    "assessed_at": "assessed at",
    "carried_from": "carried forward from",
}
# Format 3: the customer's confirmation of a revision without a documented
# statement (reviews.signed_confirmation); null when it had one.
CONFIRMATION_FIELDS = {
    "method": "how",
    "confirmed_at": "when",
    "confirmed_by": "confirmed by",
    "communication": "communication",
    "attachment": "file",
    "legacy": "recorded on the order (legacy)",
}
STATUTORY_FIELDS = {
    "title": "title",
    "discipline": "discipline",
    "state": "state",
    "note": "reason",
    "by": "confirmed by",
    "at": "confirmed at",
}
DECISION_FIELDS = {
    "outcome": "Decision",
    "reasons": "Reasons",
    "decided_by": "Decided by",
    "decided_at": "Decided at",
}


@dataclass(frozen=True)
class ContentDifference:
    """One value that differs between two contents, as a person reads it.

    section is order, revision, requirement, assessment, confirmation,
    statutory, decision or format;
    field is the content key (customer_name, value, assessed_by, ...)."""

    section: str
    label: str
    field: str
    before: str
    after: str


def _text(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict) and "printed_name" in value:
        return f"{value['printed_name']} ({value.get('username', '')})"
    if isinstance(value, dict) and "subject" in value:  # a confirmation's
        return f"“{value['subject']}” of {value.get('occurred_at')} (#{value['id']})"
    if isinstance(value, dict) and "name" in value:  # a confirmation's file
        return f"{value['name']} (#{value.get('id')})"
    if isinstance(value, str):
        return value
    return canonical_json(value)


def _fields(
    section: str,
    label: str,
    names: dict[str, str],
    before: dict[str, Any],
    after: dict[str, Any],
) -> list[ContentDifference]:
    found = []
    for key in [*names, *sorted((set(before) | set(after)) - set(names))]:
        if key not in before and key not in after:
            continue
        if before.get(key) != after.get(key):
            name = names.get(key, key)
            found.append(
                ContentDifference(
                    section=section,
                    label=f"{label}: {name}" if label else name,
                    field=key,
                    before=_text(before.get(key)),
                    after=_text(after.get(key)),
                )
            )
    return found


def _keyed(items: Any, key: Any) -> dict[Any, dict[str, Any]]:
    return {key(item): item for item in items or []}


def content_differences(
    before: dict[str, Any], after: dict[str, Any]
) -> list[ContentDifference]:
    """Every value that differs between two contents of the same format (what was
    signed or shown, and what the rows say now), in reading order. Pure."""
    found: list[ContentDifference] = []
    if before.get("format") != after.get("format"):
        found.append(
            ContentDifference(
                "format",
                "Content format",
                "format",
                _text(before.get("format", 1)),
                _text(after.get("format", 1)),
            )
        )
    found += _fields(
        "order", "", ORDER_FIELDS, before.get("order", {}), after.get("order", {})
    )
    found += _fields(
        "revision",
        "",
        REVISION_FIELDS,
        before.get("revision", {}),
        after.get("revision", {}),
    )
    old = _keyed(before.get("requirements"), lambda r: r["key"])
    new = _keyed(after.get("requirements"), lambda r: r["key"])
    for key in [*old, *(k for k in new if k not in old)]:
        name = (old.get(key) or new[key]).get("statement", key)
        label = f"Requirement “{name}”"
        if key not in new:
            found.append(
                ContentDifference("requirement", label, "", "present", "removed")
            )
        elif key not in old:
            found.append(ContentDifference("requirement", label, "", "—", "added"))
        else:
            found += _fields(
                "requirement", label, REQUIREMENT_FIELDS, old[key], new[key]
            )
    names = {key: r.get("statement", key) for key, r in {**new, **old}.items()}
    old_a = _keyed(
        before.get("assessments"), lambda a: (a["requirement"], a["discipline"])
    )
    new_a = _keyed(
        after.get("assessments"), lambda a: (a["requirement"], a["discipline"])
    )
    for slot in [*old_a, *(k for k in new_a if k not in old_a)]:
        label = f"Assessment of “{names.get(slot[0], slot[0])}” by {slot[1]}"
        if slot not in new_a:
            found.append(
                ContentDifference("assessment", label, "", "present", "removed")
            )
        elif slot not in old_a:
            found.append(ContentDifference("assessment", label, "", "—", "added"))
        else:
            found += _fields(
                "assessment", label, ASSESSMENT_FIELDS, old_a[slot], new_a[slot]
            )
    if "confirmation" in before or "confirmation" in after:
        was, now = before.get("confirmation"), after.get("confirmation")
        if (was is None) != (now is None):
            found.append(
                ContentDifference(
                    "confirmation",
                    "Documented statement",
                    "documented",
                    "Yes" if was is None else "No",
                    "Yes" if now is None else "No",
                )
            )
        found += [
            difference
            for difference in _fields(
                "confirmation",
                "Customer confirmation",
                CONFIRMATION_FIELDS,
                was or {},
                now or {},
            )
            # Not legacy is said by the statement's difference above already.
            if difference.field != "legacy"
            or "true"
            in (
                difference.before,
                difference.after,
            )
        ]
    found += _statutory_differences(before, after)
    if "decision" in before or "decision" in after:
        found += _fields(
            "decision",
            "",
            DECISION_FIELDS,
            before.get("decision") or {},
            after.get("decision") or {},
        )
    return found


def _statutory_differences(
    before: dict[str, Any], after: dict[str, Any]
) -> list[ContentDifference]:
    """The statutory checks (format 3), by reference."""
    found: list[ContentDifference] = []
    old = _keyed(before.get("statutory"), lambda c: c["reference"])
    new = _keyed(after.get("statutory"), lambda c: c["reference"])
    for reference in [*old, *(k for k in new if k not in old)]:
        label = f"Statutory check “{reference}”"
        if reference not in new:
            found.append(
                ContentDifference("statutory", label, "", "present", "removed")
            )
        elif reference not in old:
            found.append(ContentDifference("statutory", label, "", "—", "added"))
        else:
            found += _fields(
                "statutory", label, STATUTORY_FIELDS, old[reference], new[reference]
            )
    return found
