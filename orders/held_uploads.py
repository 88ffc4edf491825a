"""Files a visitor chose on the public catalog request page, held while the page is
shown again (a required field left empty, a line button without JavaScript), so
they need not be chosen again; there is no order to store them with until the
request is sent.

A held file lives under MEDIA_ROOT/held/<hold>/<field>/<name>, where <hold> is a
random name the visitor's session keeps (pages.catalog_holds): only that session
can name it, and nothing a visitor posts is taken for a held file's path. When the
request is sent, each held file goes through store_upload() like any upload (every
check again, stored with its order) and the hold is deleted. Holds their session
has outlived are deleted by held_sweep() (the worker's sweeps).
"""

import datetime
import re
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.text import get_valid_filename

from orders.uploads import upload_save

HELD_FOLDER = "held"
_HOLD_RE = re.compile(r"^[0-9a-f]{16}$")


def hold_name() -> str:
    return secrets.token_hex(8)


def is_hold_name(name: str) -> bool:
    return bool(_HOLD_RE.match(name))


def hold_upload(*, hold: str, field: str, upload: UploadedFile) -> dict[str, Any]:
    """Save a checked upload in the hold; describe it as store_upload() does."""
    if not _HOLD_RE.match(hold):
        raise ValueError("Not a hold's name.")
    return upload_save(
        upload, f"{HELD_FOLDER}/{hold}/{get_valid_filename(field) or 'file'}"
    )


def held_path(value: object, hold: str) -> str | None:
    """The storage path of a file of this hold, else None."""
    if not isinstance(value, Mapping) or not _HOLD_RE.match(hold):
        return None
    path = str(value.get("path") or "")
    if not path.startswith(f"{HELD_FOLDER}/{hold}/") or ".." in PurePath(path).parts:
        return None
    return path


def held_open(value: Mapping[str, Any], hold: str) -> UploadedFile | None:
    """A held file as an upload, to be stored with its order (the caller closes
    it); None when it is not this hold's or no longer there."""
    path = held_path(value, hold)
    if path is None or not default_storage.exists(path):
        return None
    return UploadedFile(
        file=default_storage.open(path, "rb"),
        name=str(value.get("name") or PurePath(path).name),
        content_type=str(value.get("content_type") or ""),
        size=default_storage.size(path),
    )


def held_missing(value: object, hold: str) -> bool:
    """A file of this hold that is no longer there (swept, or removed from disk)."""
    path = held_path(value, hold)
    return path is not None and not default_storage.exists(path)


def held_delete(values: Iterable[object], hold: str) -> None:
    """Delete these files of the hold (anything else is left alone), and the
    hold's folders they leave empty."""
    for value in values:
        path = held_path(value, hold)
        if path is not None:
            default_storage.delete(path)
    _empty_folders_remove(f"{HELD_FOLDER}/{hold}")


def held_sweep(*, older_than: datetime.timedelta | None = None) -> str:
    """Delete held files older than a session lives (SESSION_COOKIE_AGE): no
    visitor can send them any more. `older_than` is the stuck-task cutoff other
    sweeps take; a hold's age limit is its session's, whatever it says."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    deleted = 0
    if default_storage.exists(HELD_FOLDER):
        holds, _files = default_storage.listdir(HELD_FOLDER)
        for hold in holds:
            for path in _files_under(f"{HELD_FOLDER}/{hold}"):
                try:
                    old = default_storage.get_modified_time(path) < cutoff
                except FileNotFoundError:
                    continue  # sent (and let go of) while the sweep ran
                if old:
                    default_storage.delete(path)
                    deleted += 1
            _empty_folders_remove(f"{HELD_FOLDER}/{hold}")
    return f"{deleted} held catalog file(s) deleted"


def _empty_folders_remove(folder: str) -> None:
    """Remove the folders under (and including) folder that hold no file, so
    neither the disk nor the sweep's walk grows with every page shown again."""
    try:
        root = Path(default_storage.path(folder))
    except NotImplementedError:
        return  # a storage without folders of its own
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    if not any(root.iterdir()):
        root.rmdir()


def _files_under(folder: str) -> list[str]:
    folders, files = default_storage.listdir(folder)
    found = [f"{folder}/{name}" for name in files]
    for name in folders:
        found.extend(_files_under(f"{folder}/{name}"))
    return found
