"""Uploaded files: does the content match the name, and where a stored one lives.

Order-form file answers are checked here (staff and public pages alike); the
communications app keeps its own, narrower list for attachments.
"""

from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import get_valid_filename

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
    extension = PurePath(getattr(upload, "name", "") or "").suffix.lower().lstrip(".")
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
