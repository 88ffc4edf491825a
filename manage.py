#!/usr/bin/env python
"""Django's command-line utility for OrderReview."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orderreview.settings")
    from orderreview.db import command_needs_owner, connect_as_owner

    # migrate and the other maintenance commands connect as the tables' owner;
    # everything else (runserver, db_worker, shell) as the app role.
    if command_needs_owner(sys.argv):
        connect_as_owner()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
