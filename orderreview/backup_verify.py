"""Check a restored copy as the application would run on it, in its own process.

What the copy's rows promise -- the SHA-256 recorded with each requirement file
answer, each attachment's size, the signature chain -- is read by the apps that
own those rows (audit's verify_restored_copy, which runs reviews'
verify_signatures). The foundation imports no app, so restore_db starts
``manage.py verify_restored_copy`` with DATABASE_URL and DJANGO_MEDIA_ROOT pointed
at the copy: the check sees exactly what a server started on the copy would see,
and the live connection and caches of this process are never redirected.
"""

import os
import subprocess  # noqa: S404 (runs manage.py, no shell)
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import connections

CHECK_COMMAND = "verify_restored_copy"
CHECK_TIMEOUT_SECONDS = 3600
OTHER_DATABASE_VARIABLES = frozenset(
    {"DATABASE_OWNER_URL", "DATABASE_URL_FILE", "DATABASE_OWNER_URL_FILE"}
)


@dataclass(frozen=True)
class CopyCheck:
    ok: bool
    output: str


def database_url(database: dict, name: str) -> str:
    """A postgres:// URL for database name on the server of a DATABASES entry."""
    host, port = database["HOST"] or "", database["PORT"] or ""
    user = quote(database["USER"] or "", safe="")
    password = quote(database["PASSWORD"] or "", safe="")
    netloc = f"{user}:{password}@" if user else ""
    query = {
        key: str(value)
        for key, value in (database.get("OPTIONS") or {}).items()
        if isinstance(value, str | int)
    }
    if host.startswith("/"):  # a Unix socket folder (the embedded server)
        query["host"] = host
    else:
        netloc += host
    if port:
        netloc += f":{port}"
    suffix = f"?{urlencode(query)}" if query else ""
    return f"postgres://{netloc}/{quote(name, safe='')}{suffix}"


def restored_copy_check(
    *,
    database_name: str,
    media_root: Path | None,
    heads_log: Path,
    alias: str = "default",
) -> CopyCheck:
    """Run verify_restored_copy against the restored database and files.

    media_root None: a database-only backup, whose files are not checked.
    heads_log: the backup's copy of the heads log. When the backup held none, a
    path that does not exist, so none is compared: the live server's log would
    name signatures made after the backup and fail every older backup.
    """
    url = database_url(connections[alias].settings_dict, database_name)
    # The owner's URL with the copy's name (the check reads every table), and no
    # other way to name a database that could win over it.
    env = {k: v for k, v in os.environ.items() if k not in OTHER_DATABASE_VARIABLES}
    env.update(
        {
            "DATABASE_URL": url,
            "DATABASE_CONN_MAX_AGE": "0",
            "SIGNING_CHAIN_HEADS_LOG": str(heads_log),
        }
    )
    manage = Path(settings.BASE_DIR) / "manage.py"
    command = [sys.executable, str(manage), CHECK_COMMAND]
    if media_root is None:
        command.append("--database-only")
    else:
        env["DJANGO_MEDIA_ROOT"] = str(media_root)
    completed = subprocess.run(  # noqa: S603
        command,
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=CHECK_TIMEOUT_SECONDS,
        check=False,
    )
    output = "\n".join(
        part.strip() for part in (completed.stdout, completed.stderr) if part.strip()
    )
    return CopyCheck(completed.returncode == 0, output)
