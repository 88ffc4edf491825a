"""The files a restored copy's rows name, checked against what they recorded.

A requirement file answer records its SHA-256 at upload (orders.uploads), so the
file must be byte-identical, as must a catalog claim's evidence; a communication
attachment records its size only.
Run on the copy by verify_restored_copy, which restore_db starts. Files a
carried-out disposal removed on purpose are not missing: their rows still name them
(signed content keeps the name and SHA-256), the disposal records their removal.
"""

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.core.files.storage import default_storage

from audit.models import Disposal
from communications.models import CatalogClaim, CommunicationAttachment
from orders.orderforms import lines
from orders.uploads import stored_upload_path
from requirements.models import Requirement, RequirementSet

CHUNK = 2000


@dataclass(frozen=True)
class ReferencedFile:
    path: str
    named_by: str  # "requirement answer drawing of SO-2026-000042 rev. 1"
    sha256: str | None
    size: int | None


def answer_file(
    value: object, order_number: str, named_by: str
) -> ReferencedFile | None:
    path = stored_upload_path(value, order_number)
    if path is None or not isinstance(value, Mapping):
        return None
    sha256 = value.get("sha256")
    size = value.get("size")
    return ReferencedFile(
        path,
        named_by,
        str(sha256) if sha256 else None,
        size if isinstance(size, int) else None,
    )


def referenced_files() -> Iterator[ReferencedFile]:
    """Every file a current row names: answers kept on each revision and its
    requirements (the same file may be named by both), then attachments."""
    revisions = RequirementSet.objects.select_related("order").order_by("pk")
    revisions = revisions.only("answers", "number", "order__number")
    for revision in revisions.iterator(chunk_size=CHUNK):
        for key, value in lines.answer_items(revision.answers or {}):
            named_by = f"answer {key} of {revision.order.number} rev. {revision.number}"
            found = answer_file(value, revision.order.number, named_by)
            if found:
                yield found
    requirements = (
        Requirement.objects.select_related("requirement_set__order")
        .only(
            "key", "value", "requirement_set__number", "requirement_set__order__number"
        )
        .order_by("pk")
    )
    for requirement in requirements.iterator(chunk_size=CHUNK):
        revision = requirement.requirement_set
        named_by = (
            f"requirement {requirement.key} of {revision.order.number} "
            f"rev. {revision.number}"
        )
        found = answer_file(requirement.value, revision.order.number, named_by)
        if found:
            yield found
    attachments = CommunicationAttachment.objects.order_by("pk")
    for attachment in attachments.iterator(chunk_size=CHUNK):
        yield ReferencedFile(
            attachment.file.name,
            f"attachment #{attachment.pk} ({attachment.original_name})",
            None,
            attachment.size,
        )
    claims = CatalogClaim.objects.only("evidence", "evidence_sha256").order_by("pk")
    for claim in claims.iterator(chunk_size=CHUNK):
        yield ReferencedFile(
            claim.evidence.name,
            f"evidence of catalog claim #{claim.pk}",
            claim.evidence_sha256,
            None,
        )


def disposed_file_paths() -> set[str]:
    """Every file path a carried-out disposal removed from storage on purpose."""
    paths: set[str] = set()
    done = Disposal.objects.filter(state=Disposal.State.DISPOSED)
    for removed in done.values_list("removed", flat=True):
        paths.update(str(f["path"]) for f in (removed or {}).get("files", []))
    return paths


def _content(path: str) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with default_storage.open(path, "rb") as stream:
        for chunk in stream.chunks():
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def referenced_file_problems() -> tuple[int, list[str]]:
    """(files checked, what is wrong with them): each problem names the file and
    the row that refers to it."""
    checked: dict[str, tuple[int, str] | None] = {}
    problems = []
    disposed = disposed_file_paths()
    for ref in referenced_files():
        if ref.path in disposed:
            continue
        if ref.path not in checked:
            exists = default_storage.exists(ref.path)
            checked[ref.path] = _content(ref.path) if exists else None
        content = checked[ref.path]
        if content is None:
            problems.append(f"missing file {ref.path}, named by {ref.named_by}")
            continue
        size, sha256 = content
        if ref.sha256 and sha256 != ref.sha256:
            problems.append(
                f"altered file {ref.path}: SHA-256 {sha256}, {ref.named_by} "
                f"recorded {ref.sha256}"
            )
        elif ref.size is not None and size != ref.size:
            problems.append(
                f"altered file {ref.path}: {size} bytes, {ref.named_by} recorded "
                f"{ref.size}"
            )
    return len(checked), problems
