"""The COPY writer of seed_scale: rows and their history rows as COPY text.

Every row added to a CopyTable is written twice: to the model's table and, with
history_type "+", the acting user and the row's own time, to its historical table.
copy_rows() is the one place the text reaches PostgreSQL.
"""

import io
import json
from collections.abc import Callable, Hashable
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from django.db import models

from reviews.signing import CanonicalJSON


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


# One encoder for every value: json.dumps with options makes a new one per call.
_encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _json(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, CanonicalJSON):
        return _text(value)  # a signature's content, encoded once already
    if type(value) is int:  # most answers: their JSON is their digits
        return str(value)
    return _text(_encode_json(value))


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
        self.fixed: dict[frozenset[str], itemgetter] = {}
        self.shapes: dict[Hashable, list[tuple[str, Callable | None]]] = {}

    def add(
        self,
        row: dict[str, Any],
        *,
        user_id: int | None,
        when: datetime,
        varying: frozenset[str] | None = None,
    ) -> None:
        """Add row. With varying (the fields that differ from row to row), rows
        whose other fields are equal share their text, encoded once for the first
        of them: only the varying fields are encoded for each row."""
        get = row.get
        if varying is None:
            line = "\t".join([convert(get(name)) for name, convert in self.cells])
        else:
            line = "".join(
                [
                    piece if convert is None else convert(get(piece))
                    for piece, convert in self._pieces(varying, row)
                ]
            )
        self.rows.write(line + "\n")
        self.history.write(f"{line}\t{when.isoformat()}\t+\t{_text(user_id)}\n")
        self.count += 1

    def _pieces(
        self, varying: frozenset[str], row: dict[str, Any]
    ) -> list[tuple[str, Callable | None]]:
        """row's line as runs of fixed text (tabs included) and the varying fields'
        (name, converter), made once for all rows with its other fields' values."""
        fixed = self.fixed.get(varying)
        if fixed is None:
            names = [name for name, _ in self.cells if name not in varying]
            fixed = self.fixed[varying] = itemgetter(*names)
        shape = (varying, fixed(row))
        pieces = self.shapes.get(shape)
        if pieces is not None:
            return pieces
        pieces, text = [], ""
        for index, (name, convert) in enumerate(self.cells):
            text += "\t" if index else ""
            if name in varying:
                if text:
                    pieces.append((text, None))
                pieces.append((name, convert))
                text = ""
            else:
                text += convert(row.get(name))
        if text:
            pieces.append((text, None))
        self.shapes[shape] = pieces
        return pieces

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
