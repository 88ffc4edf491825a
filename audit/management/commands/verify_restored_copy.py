from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.restored_files import referenced_file_problems


class Command(BaseCommand):
    help = (
        "Check a restored copy (run with DATABASE_URL and DJANGO_MEDIA_ROOT pointed "
        "at it; restore_db does): every file a requirement answer or attachment "
        "names is in MEDIA_ROOT with the SHA-256 or size it recorded, and the "
        "signature chain holds (verify_signatures). Exits non-zero naming every "
        "failure."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--database-only",
            action="store_true",
            help="the backup held no files (made before files were included): "
            "check the signature chain only",
        )

    def handle(self, *args: Any, database_only: bool, **options: Any) -> None:
        checked, problems = 0, []
        if not database_only:
            checked, problems = referenced_file_problems()
        try:
            call_command("verify_signatures", stdout=self.stdout, stderr=self.stderr)
        except CommandError as error:
            problems.append(f"signature chain: {error}")
        if problems:
            raise CommandError("\n".join(problems))
        files = (
            "no files (a database-only backup)"
            if database_only
            else f"{checked} file(s) named by its rows match what they recorded"
        )
        self.stdout.write(f"Restored copy verified: {files}; the chain holds.")
