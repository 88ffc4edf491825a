"""Chain heads kept outside the database: an append-only log file.

After each decision commits, its signature -- the new chain head -- is appended to
settings.SIGNING_CHAIN_HEADS_LOG as one JSON line (signature id, hash, key id, time),
with the file opened for appending and fsync'd. Someone who owns the database can
delete the newest signatures or rewrite the chain; they cannot make the chain agree
with heads written down elsewhere (this file, a printed record, an auditor's notes).

The log is written after the commit, never inside it: a failure to write (disk full,
permissions) is logged at CRITICAL and the signed decision stands, because losing a
decision the signer was told is signed would be worse than a gap in the log. The
next decision's line covers the gap (its hash chains back through the missed one).
"""

import fcntl
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)
_TAIL_BYTES = 4096
_MAX_PROBLEMS = 5


class HeadsLogError(Exception):
    """The heads log cannot be read or has a line that is not a head."""


@dataclass(frozen=True)
class LoggedHead:
    signature_id: int
    hash: str
    key_id: str
    signed_at: str
    line: int


def heads_log_path() -> Path:
    return Path(settings.SIGNING_CHAIN_HEADS_LOG)


def _line(signature: Any) -> bytes:
    entry = {
        "signature": signature.pk,
        "hash": signature.signature_hash,
        "key_id": signature.key_id,
        "signed_at": signature.signed_at.isoformat(),
    }
    return (json.dumps(entry, sort_keys=True) + "\n").encode("utf-8")


def head_append(signature: Any, path: Path | None = None) -> None:
    """Append one head to the log and fsync it; raises OSError on failure."""
    path = path or heads_log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        # Several workers may sign at once: one whole line per writer.
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, _line(signature))
        os.fsync(fd)
    finally:
        os.close(fd)


def head_append_after_commit(signature: Any) -> None:
    """Append the head once the signing transaction has committed (never before:
    a rolled-back signature must not appear in the log)."""
    path = heads_log_path()

    def write() -> None:
        try:
            head_append(signature, path)
        except Exception:
            logger.critical(
                "SIGNATURE CHAIN HEAD NOT WRITTEN to %s: signature #%s, hash %s. "
                "The decision is signed and stored; append this head by hand and "
                "fix the log file.",
                path,
                signature.pk,
                signature.signature_hash,
                exc_info=True,
            )

    transaction.on_commit(write)


def _parse(text: str, number: int) -> LoggedHead:
    try:
        entry = json.loads(text)
        return LoggedHead(
            signature_id=int(entry["signature"]),
            hash=str(entry["hash"]),
            key_id=str(entry.get("key_id", "")),
            signed_at=str(entry.get("signed_at", "")),
            line=number,
        )
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError):
        # 1e999 is valid JSON whose int() overflows; a list has no .get().
        raise HeadsLogError(
            f"line {number} is not a chain head: {text[:80]!r}"
        ) from None


def heads_read(path: Path) -> list[LoggedHead]:
    """Every head in the log, in file order."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise HeadsLogError(f"cannot read {path}: {error}") from None
    return [_parse(text, n) for n, text in enumerate(lines, 1) if text.strip()]


def last_head(path: Path) -> LoggedHead | None:
    """The newest head in the log (by signature id among the last few lines, as
    heads of concurrent signers may land in either order), without reading it all."""
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - _TAIL_BYTES))
            tail = handle.read().decode("utf-8", "replace")
    except OSError as error:
        raise HeadsLogError(f"cannot read {path}: {error}") from None
    lines = tail.splitlines()
    if size > _TAIL_BYTES:
        lines = lines[1:]  # the first may be cut in half
    heads = [_parse(text, 0) for text in lines if text.strip()]
    return max(heads, key=lambda head: head.signature_id, default=None)


def heads_problems(
    heads: list[LoggedHead], chain: dict[int, str], chain_head_pk: int | None
) -> list[str]:
    """What is wrong between logged heads and the chain: chain maps the logged
    signature ids to the hashes the database holds for them."""
    problems = []
    beyond: list[LoggedHead] = []
    for head in heads:
        held = chain.get(head.signature_id)
        if held == head.hash:
            continue
        if held is not None:
            problems.append(
                f"signature #{head.signature_id} has hash {held}, but the heads log "
                f"recorded {head.hash}: the chain was rewritten"
            )
        elif chain_head_pk is None or head.signature_id > chain_head_pk:
            beyond.append(head)
        else:
            problems.append(
                f"signature #{head.signature_id} ({head.hash}), recorded in the heads "
                "log, is missing from the chain"
            )
    if beyond:
        newest = max(beyond, key=lambda head: head.signature_id)
        problems.insert(
            0,
            f"the chain is shorter than the heads log: it ends at signature "
            f"#{chain_head_pk or 0}, the log records {len(beyond)} later head(s) up "
            f"to signature #{newest.signature_id} ({newest.hash}); newer signatures "
            "were removed",
        )
    if len(problems) > _MAX_PROBLEMS:
        more = len(problems) - _MAX_PROBLEMS
        problems = [*problems[:_MAX_PROBLEMS], f"and {more} more difference(s)"]
    return problems
