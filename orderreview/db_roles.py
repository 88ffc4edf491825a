"""The app role: what the web app and the worker may do in the database, and no more.

The owner (who runs migrate) grants the app role rows -- SELECT, INSERT, UPDATE,
DELETE -- and nothing that changes tables: no TRUNCATE, no TRIGGER, no REFERENCES,
no ownership, so it cannot ALTER a table, drop or disable a trigger, or truncate.
Append-only tables get less still: signatures, decisions and history rows only
SELECT and INSERT (the triggers refuse the rest anyway; this is a second wall), user
accounts no DELETE, the migration log only SELECT.

app_role_grant() runs after every migrate (post_migrate, as the owner) and from
`manage.py db_roles_setup`; app_role_problems() is what `check --deploy` reports.
See docs/security-database-roles.md.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import checks
from django.db import IntegrityError, ProgrammingError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import DatabaseError

from orderreview.db import database_config, quote_ident, role_create_sql

# Rows that are never updated or deleted once written (triggers refuse it too).
APPEND_ONLY_TABLES = ("reviews_signature", "reviews_decision")
# Rows that change state but are never deleted (triggers refuse it too): a disposal
# is the record that something was removed.
NEVER_DELETED_TABLES = ("audit_disposal",)


class RoleSetupError(Exception):
    """The app role cannot be set up by this connection; the message says why."""


@dataclass(frozen=True)
class Granted:
    role: str
    tables: int
    append_only: tuple[str, ...]


def app_role_create(
    connection: BaseDatabaseWrapper, *, role: str, password: str = ""
) -> bool:
    """Create the app role unless it exists; True if it was created.

    Needs CREATEROLE (or a superuser). Without it the error names the statement a
    database administrator runs instead.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone():
            return False
        cursor.execute(
            "SELECT rolsuper OR rolcreaterole FROM pg_roles "
            "WHERE rolname = current_user"
        )
        if not cursor.fetchone()[0]:
            raise RoleSetupError(
                f"The app role {role} does not exist and the owner may not create "
                f"roles. As a database administrator run: {role_create_sql(role)} "
                "PASSWORD '...'; then migrate again."
            )
        # Role names cannot be parameters; the name is quoted, the password is one.
        sql, params = role_create_sql(role), None
        if password:
            sql, params = sql + " PASSWORD %s", [password]
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute(sql, params)
        except (IntegrityError, ProgrammingError):
            # Another process created it between our look and our CREATE.
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if not cursor.fetchone():
                raise
            return False
    return True


def app_role_grant(
    connection: BaseDatabaseWrapper, *, role: str, password: str = ""
) -> Granted:
    """Create the app role if missing and give it rows, not tables (idempotent).

    Runs as the owner, in one transaction: every privilege the role held on our
    tables and sequences is revoked first, so a grant made by hand (TRUNCATE, say)
    does not survive the next migrate.
    """
    with transaction.atomic(using=connection.alias):
        app_role_create(connection, role=role, password=password)
        role_sql = quote_ident(role)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT r.rolsuper, pg_has_role(%s, current_user, 'MEMBER'), "
                "current_schema(), current_database() FROM pg_roles r "
                "WHERE r.rolname = %s",
                [role, role],
            )
            superuser, member_of_owner, schema, database = cursor.fetchone()
            if superuser or member_of_owner:
                raise RoleSetupError(
                    f"The app role {role} is a superuser or the owner itself (or a "
                    "member of it): granting it rows would restrict nothing. Use a "
                    "separate role for DATABASE_URL (docs/security-database-roles.md)."
                )
            schema_sql = quote_ident(schema)
            for statement in (
                f"GRANT CONNECT ON DATABASE {quote_ident(database)} TO {role_sql}",
                f"GRANT USAGE ON SCHEMA {schema_sql} TO {role_sql}",
                f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema_sql} FROM {role_sql}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "
                f"{schema_sql} TO {role_sql}",
                f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema_sql} FROM {role_sql}",
                # nextval, not setval: order numbers never go back.
                f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema_sql} "
                f"TO {role_sql}",
                # Tables made later (before the next migrate re-grants) get the same.
                f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema_sql} GRANT SELECT, "
                f"INSERT, UPDATE, DELETE ON TABLES TO {role_sql}",
                f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema_sql} GRANT USAGE, "
                f"SELECT ON SEQUENCES TO {role_sql}",
            ):
                cursor.execute(statement)
            existing = set(connection.introspection.table_names(cursor))
            # Every history table of django-simple-history (app_historicalmodel),
            # found by name: the foundation knows no app's models.
            append_only = sorted(
                {t for t in APPEND_ONLY_TABLES if t in existing}
                | {t for t in existing if "_historical" in t}
            )
            for table in append_only:
                cursor.execute(
                    f"REVOKE UPDATE, DELETE ON {quote_ident(table)} FROM {role_sql}"
                )
            # Accounts are deactivated, never deleted (a trigger refuses it too).
            users = get_user_model()._meta.db_table
            for table in (users, *NEVER_DELETED_TABLES):
                if table in existing:
                    cursor.execute(
                        f"REVOKE DELETE ON {quote_ident(table)} FROM {role_sql}"
                    )
            if "django_migrations" in existing:
                cursor.execute(
                    "REVOKE INSERT, UPDATE, DELETE ON django_migrations "
                    f"FROM {role_sql}"
                )
    return Granted(role=role, tables=len(existing), append_only=tuple(append_only))


def grant_after_migrate(using: str = "default", **kwargs: object) -> None:
    """post_migrate: re-grant the configured app role, so new tables are covered."""
    role = settings.DATABASE_APP_ROLE
    connection = connections[using]
    if not role or connection.settings_dict["USER"] == role:
        return
    password = database_config(settings.DATABASE_URL)["PASSWORD"]
    granted = app_role_grant(connection, role=role, password=password)
    if int(kwargs.get("verbosity", 1)) >= 1 and kwargs.get("stdout"):
        kwargs["stdout"].write(
            f"App role {granted.role}: rows of {granted.tables} tables, "
            f"{len(granted.append_only)} of them append-only."
        )


# Errors: the role could alter or empty the signed records. Warnings: more than it
# needs, though not that.
_ROLE_SQL = """
SELECT r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls, r.rolreplication,
       has_schema_privilege(current_schema(), 'CREATE'),
       (SELECT count(*) FROM pg_class c
         WHERE c.relnamespace = current_schema()::regnamespace
           AND c.relkind IN ('r', 'p', 'S')
           AND pg_has_role(current_user, c.relowner, 'MEMBER')),
       (SELECT count(*) FROM pg_class c
         WHERE c.relnamespace = current_schema()::regnamespace
           AND c.relkind IN ('r', 'p')
           AND (has_table_privilege(c.oid, 'TRUNCATE')
                OR has_table_privilege(c.oid, 'TRIGGER')))
FROM pg_roles r WHERE r.rolname = current_user
"""


def app_role_problems(connection: BaseDatabaseWrapper) -> list[checks.CheckMessage]:
    """What the role of `connection` may do that the app role must not."""
    hint = "See docs/security-database-roles.md: DATABASE_URL names the app role."
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (user,) = cursor.fetchone()
        cursor.execute(_ROLE_SQL)
        (
            superuser,
            createrole,
            createdb,
            bypassrls,
            replication,
            schema_create,
            owned,
            truncate_or_trigger,
        ) = cursor.fetchone()
        replication_role = superuser
        if connection.pg_version >= 150000:
            cursor.execute(
                "SELECT has_parameter_privilege('session_replication_role', 'SET')"
            )
            replication_role = replication_role or cursor.fetchone()[0]
    problems: list[checks.CheckMessage] = []

    def error(text: str, code: int) -> None:
        problems.append(
            checks.Error(f"The app connects as {user}, which {text}.", hint, id=code)
        )

    def warning(text: str, code: int) -> None:
        problems.append(
            checks.Warning(f"The app connects as {user}, which {text}.", hint, id=code)
        )

    if superuser:
        error(
            "is a superuser: it can disable triggers and rewrite anything",
            "orderreview.E101",
        )
    if owned and not superuser:
        error(
            f"owns {owned} tables or sequences (or may act as their owner): it can "
            "alter them and disable their triggers",
            "orderreview.E102",
        )
    if truncate_or_trigger and not (superuser or owned):
        error(
            f"may TRUNCATE or add triggers to {truncate_or_trigger} tables",
            "orderreview.E103",
        )
    if createrole and not superuser:
        error("may create roles (and so grant itself more)", "orderreview.E104")
    if replication_role and not superuser:
        error(
            "may set session_replication_role, switching triggers off",
            "orderreview.E105",
        )
    if schema_create and not superuser:
        warning("may create tables and functions in the schema", "orderreview.W106")
    for flag, what, code in (
        (createdb, "may create databases", "orderreview.W107"),
        (bypassrls, "bypasses row-level security", "orderreview.W108"),
        (replication, "is a replication role", "orderreview.W109"),
    ):
        if flag and not superuser:
            warning(what, code)
    return problems


@checks.register(checks.Tags.security, deploy=True)
def check_app_role(app_configs: object = None, **kwargs: object) -> list:
    """check --deploy: the web app's database role cannot alter or empty tables.

    Without a reachable database there is nothing to verify: an Info says so (a
    build step without the database should not fail), never a silent pass.
    """
    try:
        return app_role_problems(connections["default"])
    except DatabaseError as exc:
        return [
            checks.Info(
                "The database role was not verified: no connection "
                f"({str(exc).strip().splitlines()[0]}).",
                "Run check --deploy where the database is reachable.",
                id="orderreview.I100",
            )
        ]
