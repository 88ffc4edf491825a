import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from orderreview.backup import FOLDER_MODE, database_restore
from orderreview.backup_archive import (
    BackupError,
    backup_open,
    is_backup_archive,
    media_restore,
    media_target_check,
)
from orderreview.backup_verify import restored_copy_check


class Command(BaseCommand):
    help = (
        "Restore a backup into a new database and a new files folder (never over "
        "live data), verify every file against the manifest, the files the rows "
        "name and the signature chain, then point DATABASE_URL and "
        "DJANGO_MEDIA_ROOT at them. Exits non-zero naming every failure."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="a backup written by backup_db / make backup")
        parser.add_argument(
            "--database-name",
            default="orderreview_restored",
            help="name of the new database to create and fill",
        )
        parser.add_argument(
            "--media-root",
            type=Path,
            help="folder to restore the uploaded files into; default: next to "
            "MEDIA_ROOT, named <MEDIA_ROOT>-<database name>",
        )
        parser.add_argument(
            "--overwrite-files",
            action="store_true",
            help="restore the files into --media-root even when it holds files",
        )

    def handle(self, *args: object, file: str, database_name: str, **opts) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No backup file at {path}")
        self._check_new_database(database_name)
        if not is_backup_archive(path):
            return self._restore_database_only(path, database_name)
        media_root = opts["media_root"] or self._default_media_root(database_name)
        try:
            media_target_check(media_root, overwrite=opts["overwrite_files"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        with tempfile.TemporaryDirectory() as work_name:
            work = Path(work_name)
            work.chmod(FOLDER_MODE)
            try:
                backup = backup_open(path, work)
            except BackupError as error:
                message = f"{path} is not a readable backup: {error}"
                raise CommandError(message) from None
            self._create_database(database_name)
            database_restore(backup.dump, name=database_name)
            problems = backup.problems + media_restore(path, media_root, backup.files)
            check = restored_copy_check(
                database_name=database_name,
                media_root=media_root,
                heads_log=backup.heads_log or work / "no-heads-log",
            )
        if not check.ok:
            problems.append(f"verify_restored_copy failed:\n{check.output}")
        if problems:
            raise CommandError(
                f"Restored {path} into database {database_name} and {media_root}, "
                "but verification FAILED; do not use this copy until each is "
                "explained:\n" + "\n".join(f"- {problem}" for problem in problems)
            )
        self._report(check.output)
        self.stdout.write(
            f"Restored {path} into new database {database_name} and {media_root}: "
            f"{len(backup.files)} file(s) and the signature chain verified."
        )

    def _restore_database_only(self, path: Path, database_name: str) -> None:
        self.stderr.write(
            self.style.WARNING(
                f"Warning: {path} is a database-only backup (made before backups "
                "included files): no uploaded files were restored."
            )
        )
        self._create_database(database_name)
        database_restore(path, name=database_name)
        with tempfile.TemporaryDirectory() as work:
            check = restored_copy_check(
                database_name=database_name,
                media_root=None,
                heads_log=Path(work) / "no-heads-log",
            )
        if not check.ok:
            raise CommandError(
                f"Restored {path} into database {database_name}, but verification "
                f"FAILED:\n{check.output}"
            )
        self._report(check.output)
        self.stdout.write(
            f"Restored {path} into new database {database_name} (no files)."
        )

    def _report(self, output: str) -> None:
        if output:
            self.stdout.write(output)

    def _default_media_root(self, database_name: str) -> Path:
        media = Path(settings.MEDIA_ROOT)
        return media.with_name(f"{media.name}-{database_name}")

    def _check_new_database(self, database_name: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [database_name]
            )
            if cursor.fetchone():
                raise CommandError(
                    f"Database {database_name} exists; restore only into a new one "
                    "(choose --database-name, or drop it first)."
                )

    def _create_database(self, database_name: str) -> None:
        quoted = connection.ops.quote_name(database_name)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {quoted}")  # noqa: S608 (quoted name)
