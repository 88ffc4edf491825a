"""A backup is one owner-only tar file: the database, the uploaded files, a manifest.

    manifest.json     format, when and by which version it was made, the dump's
                      size and SHA-256, and every file's relative path, size, SHA-256
    database.dump     pg_dump, custom format (orderreview.backup.database_dump)
    media/<path>      every file under MEDIA_ROOT: requirement file answers,
                      communication attachments
    chain-heads.log   the signature chain's heads log, when there is one: it lives
                      outside the database, and a lost server loses it too

The database is dumped before the files are read: files are written before the
rows that name them commit and are never rewritten, so every file the dump names
is already on disk when the folder is walked. See docs/security-operations.md.
"""

import json
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.utils import timezone

from orderreview.backup import (
    FILE_MODE,
    FOLDER_MODE,
    _private_file,
    database_dump,
    server_major_version,
)
from orderreview.backup_files import (
    FileEntry,
    HashingReader,
    entries_total,
    folder_problems,
    manifest_entries,
    safe_relative_path,
    stored_files,
)

FORMAT = "orderreview-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
HEADS_LOG = "chain-heads.log"
MEDIA = "media/"


class BackupError(Exception):
    """The file is not a backup this version can read."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    files: int
    file_bytes: int


def _app_version() -> str:
    try:
        return metadata.version("orderreview")
    except metadata.PackageNotFoundError:
        return "unknown"


def _add(archive: tarfile.TarFile, name: str, source: Path) -> FileEntry:
    """Add source as name, hashing it in the same read."""
    info = archive.gettarinfo(str(source), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = FILE_MODE
    with source.open("rb") as stream:
        reader = HashingReader(stream)
        archive.addfile(info, reader)
    return FileEntry(name, info.size, reader.hexdigest())


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mode = FILE_MODE
    info.mtime = int(timezone.now().timestamp())
    with tempfile.SpooledTemporaryFile() as buffer:
        buffer.write(content)
        buffer.seek(0)
        archive.addfile(info, buffer)


def backup_write(path: Path, *, alias: str = "default") -> BackupSummary:
    """Write the database, every file under MEDIA_ROOT and their manifest to path.

    The tar file is owner-only in an owner-only folder, like the dump it holds.
    """
    _private_file(path)
    try:
        files = _archive_write(path, alias)
    except BaseException:
        path.unlink(missing_ok=True)  # half a backup must not pass for one
        raise
    path.chmod(FILE_MODE)
    count, size = entries_total(files)
    return BackupSummary(path, count, size)


def _archive_write(path: Path, alias: str) -> list[FileEntry]:
    media_root = Path(settings.MEDIA_ROOT)
    heads_log = Path(settings.SIGNING_CHAIN_HEADS_LOG)
    with tempfile.TemporaryDirectory(dir=path.parent) as work:
        dump = database_dump(Path(work) / DUMP, alias=alias)
        with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as archive:
            database = _add(archive, DUMP, dump)
            files = [
                _add(archive, MEDIA + name, source).renamed(name)
                for name, source in stored_files(media_root)
            ]
            heads = _add(archive, HEADS_LOG, heads_log) if heads_log.is_file() else None
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": timezone.now().isoformat(),
                "orderreview_version": _app_version(),
                "django_version": django.get_version(),
                "postgresql_major": server_major_version(alias),
                "database": {"size": database.size, "sha256": database.sha256},
                "chain_heads_log": heads
                and {"size": heads.size, "sha256": heads.sha256},
                "files": [entry.as_manifest() for entry in files],
            }
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1).encode())
    return files


def is_backup_archive(path: Path) -> bool:
    """True for a backup written by backup_write; False for a bare pg_dump file
    (backups made before files were included)."""
    return tarfile.is_tarfile(path)


@dataclass(frozen=True)
class RestoredArchive:
    """The parts of an opened backup: where its dump and heads log were put."""

    manifest: dict[str, Any]
    dump: Path
    heads_log: Path | None
    problems: list[str]

    @property
    def files(self) -> dict[str, FileEntry]:
        return manifest_entries(self.manifest["files"])


def _manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.getmember(MANIFEST)
        stream = archive.extractfile(member)
        manifest = json.load(stream) if stream else None
    except (KeyError, ValueError) as error:
        raise BackupError(f"no readable {MANIFEST} in the backup: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} is not an OrderReview backup manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"backup format {manifest.get('format_version')} is not one this "
            f"version reads ({FORMAT_VERSION})"
        )
    try:
        manifest_entries(manifest.get("files"))
    except (KeyError, TypeError, ValueError) as error:
        raise BackupError(f"{MANIFEST} is malformed: {error}") from None
    return manifest


def _extract(archive: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> str:
    """Write member's content to target (owner-only); its SHA-256."""
    stream = archive.extractfile(member)
    if stream is None:
        raise BackupError(f"{member.name} is not a regular file")
    target.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    with target.open("wb") as out:
        reader = HashingReader(stream)
        shutil.copyfileobj(reader, out)
    target.chmod(FILE_MODE)
    return reader.hexdigest()


def _checked_part(
    archive: tarfile.TarFile, name: str, expected: dict | None, work: Path
) -> tuple[Path | None, list[str]]:
    """Extract the dump or the heads log into work and compare its SHA-256."""
    if not expected:
        return None, []
    try:
        member = archive.getmember(name)
    except KeyError:
        return None, [f"missing file {name}: in the manifest, not in the backup"]
    digest = _extract(archive, member, work / name)
    if digest != expected.get("sha256"):
        return work / name, [
            f"altered file {name}: SHA-256 {digest}, the manifest says "
            f"{expected.get('sha256')}"
        ]
    return work / name, []


def backup_open(path: Path, work: Path) -> RestoredArchive:
    """Read the manifest, and put the dump and the heads log into work, checked."""
    with tarfile.open(path, "r:") as archive:
        manifest = _manifest(archive)
        dump, problems = _checked_part(archive, DUMP, manifest.get("database"), work)
        if dump is None:
            raise BackupError(f"the backup holds no {DUMP}")
        heads, heads_problems = _checked_part(
            archive, HEADS_LOG, manifest.get("chain_heads_log"), work
        )
    return RestoredArchive(manifest, dump, heads, problems + heads_problems)


def media_target_check(target: Path, *, overwrite: bool) -> None:
    """Refuse a target folder that already holds files, unless told to write over."""
    if target.exists() and not target.is_dir():
        raise BackupError(f"{target} exists and is not a folder")
    if not overwrite and target.is_dir() and any(target.iterdir()):
        raise BackupError(
            f"{target} is not empty; restore the files into a new folder "
            "(--media-root), or pass --overwrite-files to write over it"
        )


def media_restore(path: Path, target: Path, files: dict[str, FileEntry]) -> list[str]:
    """Write every media/ file of the backup under target, then compare the whole
    folder with the manifest: missing, extra and altered files, each named."""
    target.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    inside = target.resolve()
    problems = []
    with tarfile.open(path, "r:") as archive:
        for member in archive:
            if not member.name.startswith(MEDIA) or member.isdir():
                continue
            relative = safe_relative_path(member.name.removeprefix(MEDIA))
            # A link already in an overwritten folder must not lead the write out.
            if (
                relative is None
                or not member.isreg()
                or not (target / relative).resolve().is_relative_to(inside)
            ):
                problems.append(f"refused {member.name}: not a plain file path")
                continue
            _extract(archive, member, target / relative)
    return problems + folder_problems(target, files)
