"""Files kept with communications: checked by type and content, stored under a
name of our own. attachment_add is the service; services re-exports it."""

import hashlib
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from communications.models import Communication, CommunicationAttachment
from orderreview.models import User

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# Extension -> the first bytes a genuine file of that type starts with (None: text).
ATTACHMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    "txt": ("text/plain", None),
    "csv": ("text/csv", None),
    "eml": ("message/rfc822", None),
}


def attachment_check(upload: UploadedFile) -> str:
    """The content type of an acceptable upload; ValidationError says why not."""
    if upload.size > ATTACHMENT_MAX_BYTES:
        limit = ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise ValidationError({"attachment": f"The file is larger than {limit} MB."})
    if upload.size == 0:
        raise ValidationError({"attachment": "The file is empty."})
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if extension not in ATTACHMENT_TYPES:
        allowed = ", ".join(sorted(ATTACHMENT_TYPES))
        raise ValidationError(
            {"attachment": f"Files of this type are not accepted (allowed: {allowed})."}
        )
    content_type, signatures = ATTACHMENT_TYPES[extension]
    upload.seek(0)
    head = upload.read(512)
    upload.seek(0)
    if signatures is None:
        if b"\x00" in head:
            raise ValidationError(
                {"attachment": "The file is not the text file its name says it is."}
            )
    elif not head.startswith(signatures):
        raise ValidationError(
            {"attachment": f"The file's content is not {extension.upper()}."}
        )
    return content_type


@transaction.atomic
def attachment_add(
    *, communication: Communication, upload: UploadedFile, user: User | None
) -> CommunicationAttachment:
    """Keep a checked file with a communication, stored under MEDIA_ROOT."""
    if user is None:
        raise ValidationError({"attachment": "Only a signed-in user can attach files."})
    content_type = attachment_check(upload)
    original_name = PurePath(upload.name or "file").name[:255]
    extension = PurePath(original_name).suffix.lower()
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = CommunicationAttachment(
        communication=communication,
        original_name=original_name,
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )
    # A name of our own: the uploader's name is kept for display only.
    stored_name = f"{timezone.now():%Y%m%d%H%M%S%f}{extension}"
    attachment.file.save(stored_name, upload, save=False)
    attachment.save()
    return attachment
