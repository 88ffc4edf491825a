"""The benchmark's own databases: made and marked by `manage.py bench`, dropped by
`manage.py bench_drop`, which drops nothing else.

A database the bench creates carries a comment saying so (COMMENT ON DATABASE, kept
by PostgreSQL beside the database); bench_drop drops a database only when it carries
that mark or is the bench's default one (orderreview_bench, which runs before the
mark existed made unmarked), and never the database the app is configured with
(DATABASE_URL, DATABASE_OWNER_URL) or the one this process is connected to.
"""

from urllib.parse import unquote, urlsplit, urlunsplit

from django.conf import settings
from django.db import connection

BENCH_DATABASE = "orderreview_bench"
BENCH_MARK = "OrderReview benchmark database, made by manage.py bench"


def bench_database_url(url: str, name: str) -> str:
    """The same server as url, database name instead."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def app_databases() -> set[str]:
    """The databases the app works on: never the bench's to seed or drop."""
    names = {connection.settings_dict["NAME"]}
    for url in (settings.DATABASE_URL, settings.DATABASE_OWNER_URL):
        if url:
            names.add(unquote(urlsplit(url).path.lstrip("/")))
    return names


def database_create_if_missing(name: str) -> bool:
    """CREATE DATABASE name on the server in use, marked as the bench's, unless it
    exists. True if made."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone():
            return False
        # CREATE DATABASE and COMMENT take no parameter for the name; it is quoted.
        quoted = connection.ops.quote_name(name)
        cursor.execute("CREATE DATABASE " + quoted)
        cursor.execute(f"COMMENT ON DATABASE {quoted} IS %s", [BENCH_MARK])
    return True


def bench_database_exists(name: str) -> bool | None:
    """True for a bench database, False for any other existing one, None when
    there is no database of that name."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = %s",
            [name],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return row[0] == BENCH_MARK or name == BENCH_DATABASE


def app_database_refusal(name: str) -> str | None:
    """Why the bench must not seed or drop database name, or None."""
    if name in app_databases():
        return (
            f"Refusing {name}: it is the app's own database (DATABASE_URL), not a "
            "benchmark database."
        )
    return None
