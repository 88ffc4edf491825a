"""manage.py export_order_form SLUG [--version N] [--output FILE]"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orders.models import OrderFormVersion
from orders.orderforms import json_io


class Command(BaseCommand):
    help = (
        "Export an order form version as JSON (format in README.md): the published "
        "version, or the latest one if none is published, unless --version says."
    )

    def add_base_argument(
        self, parser: CommandParser, *args: Any, **kwargs: Any
    ) -> None:
        # --version here means the form's version, not Django's.
        if "--version" not in args:
            super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the form's slug")
        parser.add_argument("--version", type=int, dest="number", help="version number")
        parser.add_argument(
            "--output", type=Path, help="write to this file instead of stdout"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        versions = OrderFormVersion.objects.select_related("form").filter(
            form__slug=options["slug"]
        )
        if options["number"] is not None:
            version = versions.filter(number=options["number"]).first()
        else:
            version = (
                versions.filter(status=OrderFormVersion.Status.PUBLISHED).first()
                or versions.order_by("-number").first()
            )
        if version is None:
            raise CommandError(
                f"no order form {options['slug']!r}"
                + (f" version {options['number']}" if options["number"] else "")
            )
        text = json.dumps(
            json_io.version_to_dict(version), indent=2, ensure_ascii=False
        )
        summary = (
            f"Exported {version.form.slug} version {version.number} "
            f"({version.questions.count()} questions)."
        )
        if options["output"]:
            options["output"].write_text(text + "\n", encoding="utf-8")
            self.stdout.write(summary)
        else:
            self.stdout.write(text)
            self.stderr.write(summary)
