from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from orderreview.backup import database_dump


class Command(BaseCommand):
    help = "Dump the whole database (pg_dump, custom format) to a file."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "file",
            nargs="?",
            help="where to write; default var/backups/orderreview-<time>.dump",
        )

    def handle(self, *args: object, file: str | None = None, **options: object) -> None:
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        default = settings.BASE_DIR / "var" / "backups" / f"orderreview-{stamp}.dump"
        path = database_dump(Path(file) if file else default)
        size_kb = path.stat().st_size // 1024
        self.stdout.write(f"Backup written: {path} ({size_kb} KiB)")
