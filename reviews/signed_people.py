"""How a person appears in signed content: the one spelling every format and part
uses (signing, signed_confirmation, signed_statutory)."""

from typing import Any


def signed_person(user: Any) -> dict[str, object] | None:
    if user is None:
        return None
    return {"username": user.username, "printed_name": user.printed_name}
