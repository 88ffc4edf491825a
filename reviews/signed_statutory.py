"""The "statutory" part of signed content format 3 (reviews.signing): each statutory
or regulatory check of the review as answered (ISO 9001 8.2.2 a 1), in reference
order. Pure: it reads the instances it is given (each check's discipline and
checked_by), never the database."""

from collections.abc import Iterable
from typing import Any

from reviews.signed_people import signed_person


def statutory_content(checks: Iterable[Any]) -> list[dict[str, object]]:
    """Reference and title as frozen when the review opened, the confirming
    discipline, the answer with its reason, who answered and when."""
    return [
        {
            "reference": check.reference,
            "title": check.title,
            "discipline": check.discipline.slug,
            "state": check.state,
            "note": check.note,
            "by": signed_person(check.checked_by),
            "at": check.checked_at,
        }
        for check in sorted(checks, key=lambda c: (c.reference, c.pk or 0))
    ]
