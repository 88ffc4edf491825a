"""The uploaded files in a backup: listed with their SHA-256, checked on restore.

Pure file work, no database: which files lie under a folder, the manifest entry
of each (relative path, size, SHA-256), and what differs between a folder and a
manifest -- missing, extra or altered files, each named.
"""

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative to MEDIA_ROOT, with forward slashes
    size: int
    sha256: str

    def renamed(self, path: str) -> "FileEntry":
        return FileEntry(path, self.size, self.sha256)

    def as_manifest(self) -> dict:
        return {"path": self.path, "size": self.size, "sha256": self.sha256}


class HashingReader:
    """Reads a file for tarfile while computing its SHA-256: one pass over it."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        self._digest.update(chunk)
        return chunk

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def stream_sha256(stream: BinaryIO) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return stream_sha256(stream)


def safe_relative_path(name: str) -> PurePosixPath | None:
    """name as a path inside a folder, or None when it could leave it.

    Manifests and archives come from outside the running server: an absolute
    path or a ".." must never decide where a restored file is written.
    """
    path = PurePosixPath(name)
    if not name or path.is_absolute() or "\\" in name:
        return None
    if any(part in ("", ".", "..") for part in name.split("/")):
        return None
    return path


def stored_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Every regular file under root as (relative path, path), in a stable order.

    Links are not followed: a link under MEDIA_ROOT could lead anywhere on disk.
    """
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(root).as_posix(), path


def manifest_entries(raw: object) -> dict[str, FileEntry]:
    """The manifest's file list by path; ValueError when it is malformed."""
    if not isinstance(raw, list):
        raise ValueError("the manifest's file list is not a list")
    entries: dict[str, FileEntry] = {}
    for item in raw:
        if not isinstance(item, Mapping):
            raise ValueError(f"a manifest file entry is not an object: {item!r}")
        path = str(item.get("path", ""))
        if safe_relative_path(path) is None:
            raise ValueError(f"the manifest names an unsafe path: {path!r}")
        entries[path] = FileEntry(path, int(item["size"]), str(item["sha256"]))
    return entries


def folder_problems(root: Path, expected: Mapping[str, FileEntry]) -> list[str]:
    """What differs between the files under root and the manifest's, by name."""
    found = dict(stored_files(root))
    problems = [
        f"missing file {name}: in the manifest, not restored"
        for name in sorted(expected.keys() - found.keys())
    ]
    problems += [
        f"extra file {name}: restored, but not in the manifest"
        for name in sorted(found.keys() - expected.keys())
    ]
    for name in sorted(expected.keys() & found.keys()):
        entry, path = expected[name], found[name]
        size = path.stat().st_size
        digest = file_sha256(path)
        if size != entry.size or digest != entry.sha256:
            problems.append(
                f"altered file {name}: {size} bytes with SHA-256 {digest}, the "
                f"manifest says {entry.size} bytes with SHA-256 {entry.sha256}"
            )
    return problems


def entries_total(entries: Iterable[FileEntry]) -> tuple[int, int]:
    """(number of files, bytes)."""
    listed = list(entries)
    return len(listed), sum(entry.size for entry in listed)
