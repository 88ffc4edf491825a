"""manage.py import_order_form FILE [--publish --change-note TEXT] [--user NAME]"""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from orders.orderforms import json_io
from orders.orderforms import services as orderform_services


class Command(BaseCommand):
    help = (
        "Import an order form version from a JSON file (format in README.md) as a "
        "new draft, or a new form when its slug is new. A file with any problem is "
        "refused whole, listing every problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the JSON file")
        parser.add_argument(
            "--publish", action="store_true", help="publish the imported version"
        )
        parser.add_argument(
            "--change-note", default="", help="change note (needed with --publish)"
        )
        parser.add_argument(
            "--user", default="", help="username recorded as creator and publisher"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = json_io.parse(path.read_bytes())
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        except ValueError as error:
            raise CommandError(f"{path}: {error}") from None
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user {options['user']!r}")
        try:
            version = orderform_services.version_import(
                data=data,
                user=user,
                publish=options["publish"],
                change_note=options["change_note"],
            )
        except ValidationError as error:
            listing = "\n".join(f"  - {message}" for message in error.messages)
            raise CommandError(
                f"{path} was not imported, {len(error.messages)} problem(s):\n{listing}"
            ) from None
        self.stdout.write(
            f"Imported {version.form.slug} as version {version.number} "
            f"({version.get_status_display().lower()}, "
            f"{version.questions.count()} questions)."
        )
