"""Uploaded order-form files: checked, then stored, by one function.

store_upload() is the only way an order-form file answer reaches storage (portal,
catalog request, staff draft, change order, and any API later): it checks the
file against its question's limits, its content against its name, and, for people
without an account (public=True), against PUBLIC_UPLOAD_EXTENSIONS and
PUBLIC_UPLOAD_MAX_KB, and stores nothing when any check fails. Forms run the same
checks first so the message stands next to the field. The communications app keeps
its own, narrower list for attachments.
"""

import hashlib
from collections.abc import Mapping
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils.text import get_valid_filename

if TYPE_CHECKING:
    from orders.models import Question

DEFAULT_MAX_FILE_SIZE_KB = 25 * 1024

# Extension -> the first bytes a genuine file of that type starts with. Types not
# listed (STEP, IGES, DXF, ...) have no reliable signature and are checked by
# extension and size only; text types must not contain NUL bytes.
MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "zip": (b"PK\x03\x04", b"PK\x05\x06"),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
}
TEXT_TYPES = {"txt", "csv", "step", "stp", "iges", "igs", "dxf"}


def upload_content_check(upload: Any) -> None:
    """Raise ValidationError when the file's first bytes contradict its extension."""
    extension = _extension(upload)
    if getattr(upload, "size", 0) == 0:
        raise ValidationError("The file is empty.", code="empty")
    if extension not in MAGIC and extension not in TEXT_TYPES:
        return
    upload.seek(0)
    head = upload.read(512)
    upload.seek(0)
    if extension in TEXT_TYPES:
        if b"\x00" in head:
            raise ValidationError(
                f"The file's content is not {extension.upper()} text.",
                code="content_mismatch",
            )
        return
    if not head.startswith(MAGIC[extension]):
        raise ValidationError(
            f"The file's content is not {extension.upper()}.", code="content_mismatch"
        )


def file_extensions(question: "Question") -> list[str]:
    """Allowed extensions, lower case without dots: "pdf, .STEP" -> ["pdf", "step"]."""
    return [
        ext.strip().lstrip(".").lower()
        for ext in (question.allowed_file_types or "").split(",")
        if ext.strip().lstrip(".")
    ]


def _extension(upload: Any) -> str:
    return PurePath(getattr(upload, "name", "") or "").suffix.lower().lstrip(".")


def public_upload_error(upload: Any) -> str | None:
    """Why people without an account may not send this file, or None.

    Applies on top of each question's own limits, so a question that allows any
    file still cannot take an executable or a huge file from the public pages.
    """
    allowed = {ext.lower().lstrip(".") for ext in settings.PUBLIC_UPLOAD_EXTENSIONS}
    if _extension(upload) not in allowed:
        return (
            "Files of this type are not accepted here. Allowed: "
            + ", ".join(sorted(allowed))
            + "."
        )
    if (getattr(upload, "size", 0) or 0) > settings.PUBLIC_UPLOAD_MAX_KB * 1024:
        return f"The file is larger than {settings.PUBLIC_UPLOAD_MAX_KB} KB."
    return None


def upload_errors(
    upload: Any, *, question: "Question | None", public: bool
) -> list[str]:
    """Every reason this file may not be stored as an answer (empty: it may)."""
    errors: list[str] = []
    if public:
        refusal = public_upload_error(upload)
        if refusal:
            errors.append(refusal)
    if question is not None:
        if question.kind != question.Kind.FILE:
            errors.append("This question does not take a file.")
        extensions = file_extensions(question)
        if extensions and _extension(upload) not in extensions:
            errors.append(
                f"File extension “{_extension(upload)}” is not allowed. "
                f"Allowed extensions are: {', '.join(extensions)}."
            )
        max_kb = question.max_file_size_kb or DEFAULT_MAX_FILE_SIZE_KB
        if (getattr(upload, "size", 0) or 0) > max_kb * 1024:
            errors.append(f"The file is larger than {max_kb} KB.")
    try:
        upload_content_check(upload)
    except ValidationError as error:
        errors.extend(error.messages)
    return list(dict.fromkeys(errors))


def file_sha256(upload: Any) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def store_upload(
    *,
    order_number: str,
    key: str,
    upload: Any,
    question: "Question | None" = None,
    public: bool = False,
) -> dict:
    """Check, then save an answer under MEDIA_ROOT/uploads/<order>/<key>/; describe it.

    Raises ValidationError({key: [...]}) and stores nothing when the file breaks its
    question's limits, the content check or (public=True) the public upload policy.
    """
    errors = upload_errors(upload, question=question, public=public)
    if errors:
        raise ValidationError({key: errors})
    folder = f"uploads/{get_valid_filename(order_number)}/{get_valid_filename(key)}"
    return upload_save(upload, folder)


def upload_save(upload: Any, folder: str) -> dict:
    """Save a checked upload in folder under its cleaned name; describe it as a
    file answer is stored (name, path, size, type and SHA-256)."""
    name = get_valid_filename(PurePath(upload.name or "upload").name) or "upload"
    # Recorded at upload: the signed content names exactly which file was agreed.
    sha256 = file_sha256(upload)
    path = default_storage.save(f"{folder}/{name}", upload)
    return {
        "sha256": sha256,
        "name": name,
        "path": path,
        "size": upload.size,
        "content_type": getattr(upload, "content_type", "") or "",
    }


def stored_upload_path(value: object, order_number: str) -> str | None:
    """The storage path of a stored file answer of this order, else None.

    Only paths store_upload() writes for this order qualify, so a value that was
    tampered with cannot reach another order's files or anything outside uploads/.
    """
    if not isinstance(value, Mapping):
        return None
    path = str(value.get("path") or "")
    prefix = f"uploads/{get_valid_filename(order_number)}/"
    if not path.startswith(prefix) or ".." in PurePath(path).parts:
        return None
    return path


def stored_upload_copy(value: object, *, from_number: str, to_number: str) -> object:
    """A stored file answer of one order as the same file of another (an order made
    from a quote): the file is copied into the new order's folder, where its
    downloads, backups and disposal look for it; name, size and SHA-256 stay (they,
    not the path, are what is signed and compared). Anything else is returned as
    it is."""
    path = stored_upload_path(value, from_number)
    if path is None or not default_storage.exists(path):
        return value
    relative = path.removeprefix(f"uploads/{get_valid_filename(from_number)}/")
    target = f"uploads/{get_valid_filename(to_number)}/{relative}"
    with default_storage.open(path, "rb") as source:
        copied = default_storage.save(target, source)
    return {**value, "path": copied}
