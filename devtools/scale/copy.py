"""The COPY writer of seed_scale: rows and their history rows as COPY text.

Every row added to a CopyTable is written twice: to the model's table and, with
history_type "+", the acting user and the row's own time, to its historical table.
copy_rows() is the one place the text reaches PostgreSQL.
"""

import io
import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.db import models


def _text(value: object) -> str:
    """COPY's text format: backslash, tab and line breaks escaped (four substring
    tests in C are cheaper than str.translate on text that rarely has any)."""
    if value is None:
        return "\\N"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def _number(value: object) -> str:
    return "\\N" if value is None else str(value)


def _json(value: object) -> str:
    if value is None:
        return "\\N"
    return _text(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def _bool(value: object) -> str:
    return "\\N" if value is None else ("t" if value else "f")


def _when(value: date | None) -> str:
    return "\\N" if value is None else value.isoformat()


def _converter(model_field: models.Field) -> Callable[[object], str]:
    if isinstance(model_field, models.JSONField):
        return _json
    if isinstance(model_field, models.BooleanField):
        return _bool
    if isinstance(model_field, models.DateField):  # DateTimeField too
        return _when
    if isinstance(model_field, models.IntegerField | models.ForeignKey):
        return _number
    return _text


class CopyTable:
    """Rows for one model and its historical model, kept as COPY text until flushed."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        fields = model._meta.concrete_fields
        self.cells = [(f.attname, _converter(f)) for f in fields]
        self.columns = ", ".join(f'"{f.column}"' for f in fields)
        self.history_table = model.history.model._meta.db_table
        self.rows = io.StringIO()
        self.history = io.StringIO()
        self.count = 0

    def add(self, row: dict[str, Any], *, user_id: int | None, when: datetime) -> None:
        get = row.get
        line = "\t".join([convert(get(name)) for name, convert in self.cells])
        self.rows.write(line + "\n")
        self.history.write(f"{line}\t{when.isoformat()}\t+\t{_text(user_id)}\n")
        self.count += 1

    def take(self) -> list[tuple[str, io.StringIO]]:
        """The COPY statements for what was added since the last take."""
        if not self.rows.tell():
            return []
        history_columns = (
            self.columns + ', "history_date", "history_type", "history_user_id"'
        )
        work = [
            (
                f"COPY {self.model._meta.db_table} ({self.columns}) FROM STDIN",
                self.rows,
            ),
            (f"COPY {self.history_table} ({history_columns}) FROM STDIN", self.history),
        ]
        self.rows, self.history = io.StringIO(), io.StringIO()
        for _, buffer in work:
            buffer.seek(0)
        return work


def copy_rows(cursor: Any, work: list[tuple[str, io.StringIO]]) -> None:
    """COPY the buffers in. The one place rows reach the tables, always with their
    history rows beside them (see _Table.take)."""
    for statement, buffer in work:
        cursor.copy_expert(statement, buffer)


class SequenceIds:
    """Primary keys taken from a table's own sequence, a block at a time, over a
    connection of their own (nextval is not transactional) so the main connection
    can be busy with a COPY meanwhile."""

    def __init__(self, cursor: Any, model: type[models.Model]) -> None:
        self.cursor = cursor
        self.table = model._meta.db_table
        self.free: list[int] = []

    def take(self) -> int:
        if not self.free:
            self.cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                "FROM generate_series(1, 20000)",
                [self.table],
            )
            self.free = [row[0] for row in self.cursor.fetchall()][::-1]
        return self.free.pop()
