"""The signature chain check, as the auditor's page shows it.

The check itself belongs to reviews (reviews.signing.verify_chain); this module only
calls it when that module exists and reads the chain head from the signature table.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models

OK_KEYS = ("ok", "valid", "is_valid", "intact")
PROBLEM_KEYS = ("breaks", "problems", "errors", "issues")
HEAD_KEYS = ("head", "chain_head", "head_hash", "last_hash")


@dataclass
class ChainReport:
    available: bool
    ok: bool | None = None
    problems: list[str] = field(default_factory=list)
    head_hash: str | None = None
    head: models.Model | None = None
    length: int = 0


def _verifier() -> Callable[[], object] | None:
    # reviews.signing lands with the reviews work; until then the page says so.
    try:
        module = importlib.import_module("reviews.signing")
    except ImportError:
        return None
    return getattr(module, "verify_chain", None)


def _read(result: object, keys: tuple[str, ...]) -> object:
    for key in keys:
        value = (
            result.get(key) if isinstance(result, dict) else getattr(result, key, None)
        )
        if value is not None:
            return value
    return None


def _interpret(result: object) -> tuple[bool, list[str], str | None]:
    """Verdict, problems and head hash from whatever verify_chain returns."""
    if isinstance(result, bool):
        return result, [], None
    if isinstance(result, list | tuple):
        return not result, [str(item) for item in result], None
    problems = _read(result, PROBLEM_KEYS) or []
    ok = _read(result, OK_KEYS)
    head = _read(result, HEAD_KEYS)
    if head is not None and not isinstance(head, str):
        head = getattr(head, "signature_hash", str(head))
    if ok is None:
        ok = not problems
    return bool(ok), [str(item) for item in problems], head


def chain_report(verify: Callable[[], object] | None = None) -> ChainReport:
    """Run the chain verification (when available) and find the chain head."""
    verify = verify or _verifier()
    signature = apps.get_model("reviews", "Signature")
    head = (
        signature.objects.select_related("signer", "decision__review__order")
        .order_by("-pk")
        .first()
    )
    report = ChainReport(
        available=verify is not None, head=head, length=signature.objects.count()
    )
    if verify is None:
        return report
    report.ok, report.problems, report.head_hash = _interpret(verify())
    if report.head_hash is None and head is not None:
        report.head_hash = head.signature_hash
    return report
