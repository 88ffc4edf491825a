from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from orderreview.backup_archive import backup_write


class Command(BaseCommand):
    help = (
        "Back up the whole database (pg_dump) and every uploaded file under "
        "MEDIA_ROOT, with a manifest of SHA-256 checksums, into one owner-only tar "
        "file."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "file",
            nargs="?",
            help="where to write; default var/backups/orderreview-<time>.tar",
        )

    def handle(self, *args: object, file: str | None = None, **options: object) -> None:
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        default = settings.BASE_DIR / "var" / "backups" / f"orderreview-{stamp}.tar"
        summary = backup_write(Path(file) if file else default)
        size_kb = summary.path.stat().st_size // 1024
        self.stdout.write(
            f"Backup written: {summary.path} ({size_kb} KiB; database and "
            f"{summary.files} file(s), {summary.file_bytes // 1024} KiB)"
        )
