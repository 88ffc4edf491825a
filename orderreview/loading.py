"""Field lists for only() on queries that join many tables for one page.

A page that joins a person for their name, or a communication for its subject,
loads those few columns rather than every column of every joined table: each
column is compiled into the SQL, sent by PostgreSQL and set on a model object, and
on the order page the joined tables' unread columns were most of the query's work.
The rows whose own code reads them whole (the order, its revisions) keep every
column: a deferred field read later costs a query of its own.
"""

from django.db.models import Model

# What User.printed_name reads (get_full_name, else the username).
NAME_FIELDS = ("first_name", "last_name", "username")


def name_fields(path: str) -> tuple[str, ...]:
    """The fields of the person at `path` that printed_name reads, for only()."""
    return tuple(f"{path}__{name}" for name in NAME_FIELDS)


def own_fields(model: type[Model], path: str = "") -> tuple[str, ...]:
    """Every column of `model` (at `path`, or the queried model), for only()."""
    prefix = f"{path}__" if path else ""
    return tuple(prefix + field.name for field in model._meta.concrete_fields)
