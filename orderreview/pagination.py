"""Keyset pagination: a page is "the rows after this one", never "skip N rows".

OFFSET makes PostgreSQL read and throw away every row before the page (half a second
for page 2,000 of the communication log at 100,000 orders); a keyset page reads only
its own rows through the index of its sort, on page 1 as on page 20,000. Nothing
counts all rows either: one row more than the page says whether another follows.

The token names the last row's values of the queryset's ordering; lists link to
"?after=<token>". A token that does not parse gives the first page.
"""

import base64
import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest


@dataclass
class KeysetPage:
    rows: list = field(default_factory=list)
    has_next: bool = False
    next_token: str = ""
    # Forward only: "previous" is the first page, reached by dropping the token.
    has_previous: bool = False

    def __getitem__(self, key: str) -> Any:
        # Templates and tests of the communication log read pages as mappings.
        return getattr(self, key)


def _value(row: Any, path: str) -> Any:
    for part in path.split("__"):
        row = getattr(row, part) if row is not None else None
    return row


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Exact, as text: a JSON number would come back as a float.
        return {"n": str(value)}
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "n" in value:
            try:
                number = Decimal(str(value["n"]))
            except InvalidOperation:
                raise ValueError("not a keyset value") from None
            if not number.is_finite():
                raise ValueError("not a keyset value")
            return number
        if "t" in value:
            return dt.datetime.fromisoformat(value["t"])
        return dt.date.fromisoformat(value["d"])
    if isinstance(value, str) and "\x00" in value:
        # PostgreSQL refuses NUL in text when the query runs, outside this parse.
        raise ValueError("not a keyset value")
    if value is None or isinstance(value, int | str):
        return value
    raise ValueError("not a keyset value")


def _ordering(queryset: QuerySet) -> list[tuple[str, bool]]:
    """(path, descending) of the queryset's order_by; pk stands for the key."""
    keys = []
    for item in queryset.query.order_by:
        if not isinstance(item, str):
            raise TypeError("keyset pages need plain field names in order_by")
        descending = item.startswith("-")
        keys.append((item.lstrip("-"), descending))
    if not keys or keys[-1][0] not in ("pk", "id", "number"):
        raise TypeError("keyset pages need a unique last sort key")
    return keys


def _after(keys: list[tuple[str, bool]], values: list[Any]) -> Q:
    """Rows after values in this ordering. PostgreSQL puts NULLs last going up and
    first going down; the conditions follow that so no row is skipped or repeated."""
    condition = Q(pk__in=[])
    equal = Q()
    for (path, descending), value in zip(keys, values, strict=True):
        if value is None:
            beyond = Q(**{f"{path}__isnull": False}) if descending else Q(pk__in=[])
            same = Q(**{f"{path}__isnull": True})
        else:
            beyond = Q(**{f"{path}__lt" if descending else f"{path}__gt": value})
            if not descending:
                beyond |= Q(**{f"{path}__isnull": True})
            same = Q(**{path: value})
        condition |= equal & beyond
        equal &= same
    return condition


def token_for(row: Any, keys: list[tuple[str, bool]]) -> str:
    values = [_encode(_value(row, path)) for path, _ in keys]
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def keyset_page(queryset: QuerySet, *, token: str, size: int) -> KeysetPage:
    """One page of queryset (already ordered, last key unique) after token."""
    keys = _ordering(queryset)
    page = KeysetPage()
    if token:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            values = [_decode(v) for v in json.loads(raw)]
            if len(values) != len(keys):
                raise ValueError("token of another sort")
            queryset = queryset.filter(_after(keys, values))
            page.has_previous = True
        except (ValueError, TypeError, KeyError, ValidationError):
            pass
    rows = list(queryset[: size + 1])
    page.rows = rows[:size]
    page.has_next = len(rows) > size
    if page.has_next:
        page.next_token = token_for(page.rows[-1], keys)
    return page


def requested_token(request: HttpRequest) -> str:
    """The keyset token of the page a list request asks for (?after=...)."""
    return request.GET.get("after", "")[:500]
