"""Backups carry the uploaded files: a round trip, and every way a file can go wrong.

The files are made by the real services (a drawing answered on an order form, an
attachment kept with a communication); the database is real PostgreSQL, restored
into a new database by restore_db, which checks the copy in its own process.
"""

import hashlib
import io
import json
import stat
import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from communications import services as comm_services
from orderreview.backup import (
    _run,
    libpq_environment,
    postgres_program,
    server_major_version,
)
from requirements.models import Requirement
from tests.foundation.test_backup import accept
from tests.hardening.conftest import PDF, submitted

DRAWING = PDF + b"% drawing 4711 rev. B\n"
LETTER = b"Dear Sir,\nthe parts arrived on time.\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """This test's uploads only: restore_db puts the files next to MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def restored_name(transactional_db):
    """Named after this suite's test database: suites run side by side on one
    server (DJANGO_TEST_DATABASE_NAME) must not restore into each other's."""
    name = f"{connection.settings_dict['NAME']}_restored_files"[:63]
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def stored(intake_version, customer, service_user, approver, media_root):
    """A signed order with a drawing answer, and a letter attached to a
    communication: their paths under MEDIA_ROOT."""
    drawing = SimpleUploadedFile("drawing.pdf", DRAWING, content_type="application/pdf")
    order = submitted(intake_version, customer, service_user, drawing=drawing)
    accept(order, approver)
    communication = comm_services.communication_record(
        customer=customer,
        order=order,
        direction="in",
        channel="email",
        kind="feedback",
        subject="Delivery",
        occurred_at=timezone.now(),
        recorded_by=service_user,
        attachment=SimpleUploadedFile("letter.txt", LETTER),
    )
    answer = Requirement.objects.get(requirement_set__order=order, key="drawing")
    return {
        "drawing": answer.value["path"],
        "letter": communication.attachments.get().file.name,
    }


def _backup(tmp_path: Path) -> Path:
    archive = tmp_path / "backups" / "orderreview.tar"
    call_command("backup_db", str(archive), stdout=StringIO())
    return archive


def _restore(archive: Path, name: str, media: Path, **options) -> str:
    out = StringIO()
    call_command(
        "restore_db",
        str(archive),
        database_name=name,
        media_root=media,
        stdout=out,
        stderr=out,
        **options,
    )
    return out.getvalue()


def _rewritten(archive: Path, *, replace=None, drop=(), add=None, manifest=None):
    """A copy of the backup with members replaced, dropped or added, and the
    manifest edited by manifest(dict) when given: what damage or tampering does."""
    replace, add = replace or {}, add or {}
    target = archive.with_name("damaged.tar")
    with tarfile.open(archive) as old, tarfile.open(target, "w") as new:
        for member in old:
            if member.name in drop:
                continue
            data = old.extractfile(member).read()
            data = replace.get(member.name, data)
            if member.name == "manifest.json" and manifest:
                data = json.dumps(manifest(json.loads(data))).encode()
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))
        for name, data in add.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))
    return target


def test_backup_holds_the_database_every_file_and_their_checksums(
    transactional_db, tmp_path, stored
):
    archive = _backup(tmp_path)

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert stat.S_IMODE(archive.parent.stat().st_mode) == 0o700
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))
        dump = tar.extractfile("database.dump").read()
    assert {"manifest.json", "database.dump", "chain-heads.log"} <= names
    assert dump.startswith(b"PGDMP")
    files = {entry["path"]: entry for entry in manifest["files"]}
    assert set(files) == {stored["drawing"], stored["letter"]}
    assert files[stored["drawing"]]["size"] == len(DRAWING)
    drawing = Requirement.objects.get(key="drawing").value
    assert files[stored["drawing"]]["sha256"] == drawing["sha256"]
    assert {f"media/{path}" for path in files} <= names
    assert manifest["orderreview_version"]
    assert manifest["created_at"]


def test_restore_puts_back_byte_identical_files_and_verifies_them(
    tmp_path, stored, restored_name, media_root
):
    archive = _backup(tmp_path)
    restored = tmp_path / "restored-media"

    output = _restore(archive, restored_name, restored)

    for path in stored.values():
        assert (restored / path).read_bytes() == (media_root / path).read_bytes()
    assert (restored / stored["drawing"]).read_bytes() == DRAWING
    assert (restored / stored["letter"]).read_bytes() == LETTER
    # The rows' own records were checked too (answer and attachment: 2 files)...
    assert "2 file(s) named by its rows match what they recorded" in output
    # ...and the signature chain, against the heads log the backup carried.
    assert "1 head(s) compared" in output
    assert "2 file(s) and the signature chain verified" in output


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("altered", "altered file {drawing}"),
        ("missing", "missing file {letter}: in the manifest, not restored"),
        ("extra", "extra file uploads/planted.txt: restored, but not in the manifest"),
    ],
)
def test_restore_of_a_damaged_backup_fails_naming_the_file(
    tmp_path, stored, restored_name, damage, message
):
    archive = _backup(tmp_path)
    damaged = _rewritten(
        archive,
        replace={f"media/{stored['drawing']}": DRAWING + b"% edited\n"}
        if damage == "altered"
        else None,
        drop={f"media/{stored['letter']}"} if damage == "missing" else (),
        add={"media/uploads/planted.txt": b"x"} if damage == "extra" else None,
    )

    with pytest.raises(CommandError, match="verification FAILED") as failure:
        _restore(damaged, restored_name, tmp_path / "restored-media")

    assert message.format(**stored) in str(failure.value)


def test_a_file_swapped_together_with_its_manifest_entry_is_caught_by_its_row(
    tmp_path, stored, restored_name
):
    archive = _backup(tmp_path)
    forged = PDF + b"% another drawing\n"

    def forge(manifest: dict) -> dict:
        for entry in manifest["files"]:
            if entry["path"] == stored["drawing"]:
                entry["size"] = len(forged)
                entry["sha256"] = hashlib.sha256(forged).hexdigest()
        return manifest

    damaged = _rewritten(
        archive, replace={f"media/{stored['drawing']}": forged}, manifest=forge
    )

    with pytest.raises(CommandError) as failure:
        _restore(damaged, restored_name, tmp_path / "restored-media")

    message = str(failure.value)
    assert f"altered file {stored['drawing']}: SHA-256" in message
    assert "requirement drawing of" in message


def test_a_heads_log_that_disagrees_with_the_restored_chain_fails_the_restore(
    tmp_path, stored, restored_name
):
    archive = _backup(tmp_path)
    with tarfile.open(archive) as tar:
        head = json.loads(tar.extractfile("chain-heads.log").read())
    rewritten = (json.dumps({**head, "hash": "0" * 64}) + "\n").encode()

    def follow(manifest: dict) -> dict:
        manifest["chain_heads_log"] = {
            "size": len(rewritten),
            "sha256": hashlib.sha256(rewritten).hexdigest(),
        }
        return manifest

    damaged = _rewritten(
        archive, replace={"chain-heads.log": rewritten}, manifest=follow
    )

    with pytest.raises(CommandError) as failure:
        _restore(damaged, restored_name, tmp_path / "restored-media")

    assert "signature chain:" in str(failure.value)
    assert "the chain was rewritten" in str(failure.value)


def test_restore_refuses_a_files_folder_that_is_not_empty(
    tmp_path, stored, restored_name
):
    archive = _backup(tmp_path)
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "keep.txt").write_bytes(b"live file")

    with pytest.raises(CommandError, match="is not empty"):
        _restore(archive, restored_name, occupied)

    assert (occupied / "keep.txt").read_bytes() == b"live file"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [restored_name])
        assert cursor.fetchone() is None  # refused before anything was created


def test_overwrite_files_restores_into_a_folder_and_names_what_it_already_held(
    tmp_path, stored, restored_name
):
    archive = _backup(tmp_path)
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "keep.txt").write_bytes(b"live file")

    with pytest.raises(CommandError, match="extra file keep.txt"):
        _restore(archive, restored_name, occupied, overwrite_files=True)

    assert (occupied / stored["drawing"]).read_bytes() == DRAWING


def test_a_database_only_backup_still_restores_with_a_warning(
    tmp_path, stored, restored_name
):
    dump = tmp_path / "old.dump"
    # The way backups were written before they held files: pg_dump alone.
    _run(
        [
            postgres_program("pg_dump", server_major_version()),
            "--format=custom",
            "--no-owner",
            f"--file={dump}",
        ],
        libpq_environment(connection.settings_dict),
    )

    output = _restore(dump, restored_name, tmp_path / "unused")

    assert "database-only backup" in output
    assert "no uploaded files were restored" in output
    assert "Restored copy verified: no files" in output
    assert not (tmp_path / "unused").exists()
