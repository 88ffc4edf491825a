"""Small database chores for scripts/migrate_forward_check.sh, on DATABASE_URL's server.

db_admin.py create NAME | drop NAME | counts NAME
"""

import os
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql


def _connect(database: str) -> psycopg2.extensions.connection:
    parts = urlsplit(os.environ["DATABASE_URL"])
    connection = psycopg2.connect(urlunsplit(parts._replace(path=f"/{database}")))
    # CREATE and DROP DATABASE refuse to run inside a transaction block.
    connection.autocommit = True
    return connection


def main(action: str, name: str) -> None:
    if action in ("create", "drop"):
        with _connect("postgres").cursor() as cursor:
            if action == "create":
                cursor.execute(
                    sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
                )
            else:
                cursor.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(name)
                    )
                )
        return
    with _connect(name).cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            )
            print(table, cursor.fetchone()[0])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
