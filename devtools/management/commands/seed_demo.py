from django.core.management.base import BaseCommand
from django.db import transaction

from devtools.demo import seed_demo
from orderreview import roles


class Command(BaseCommand):
    help = "Load the demo data (users per role, customers, order forms); safe to rerun."

    def handle(self, *args: object, **options: object) -> None:
        roles.sync_roles()
        with transaction.atomic():
            summary = seed_demo()
        self.stdout.write("Demo users (username / password / roles):")
        for username, password, role_names in summary["users"]:
            self.stdout.write(
                f"  {username:<12} {password:<18} {', '.join(role_names)}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(summary['users'])} users, "
                f"{summary['customers']} customers, "
                f"{summary.get('orders', 0)} new demo orders."
            )
        )
