"""manage.py api_token_create --user NAME [--name LABEL]: a token for a program."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from api import services
from orderreview.models import User


class Command(BaseCommand):
    help = (
        "Create an API token for a user and print it once (only its SHA-256 is "
        "kept). The token acts with the user's roles; revoke it on their API "
        "tokens page."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="The user's username.")
        parser.add_argument(
            "--name", default="", help="Which program will use it, e.g. 'ERP import'."
        )

    def handle(self, *args: object, **options: str) -> None:
        try:
            user = User.objects.get(username=options["user"])
        except User.DoesNotExist:
            raise CommandError(f"No user named {options['user']!r}.") from None
        try:
            token, key = services.api_token_create(user=user, name=options["name"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(key)
        self.stderr.write(
            f"Created API token {token.prefix}… for {user.username}: copy it now, "
            "it is not shown again."
        )
