"""What seed_scale's generators share: the data loaded once, the COPY tables, the
keys reserved from sequences, and the thread that COPYs one batch while the next is
built."""

import io
import random
import threading
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from django.db import models

from communications.models import Communication
from devtools.scale.copy import CopyTable, SequenceIds, copy_rows
from orders.models import Customer, Discipline, Order, OrderFormVersion, Question
from orders.orderforms.lines import LineSection
from requirements.models import Requirement, RequirementSet, RevisionConfirmation
from reviews.models import (
    Assessment,
    CustomerAgreement,
    Decision,
    Review,
    Signature,
)

# Parents before children: foreign keys are checked as each COPY runs.
FLUSH_ORDER = [
    Customer,
    Order,
    RequirementSet,
    Requirement,
    Review,
    Assessment,
    Decision,
    Signature,
    Communication,
    RevisionConfirmation,
    # Refers to its decision and to the communication documenting the answer.
    CustomerAgreement,
]


@dataclass
class Context:
    cursor: Any
    id_cursor: Any
    rnd: random.Random
    now: datetime
    versions: list[tuple[OrderFormVersion, list[Question]]]
    # version pk -> (questions asked once, repeating sections with theirs)
    line_sections: dict[int, tuple[list[Question], list[LineSection]]]
    customers: list[tuple[int, str, str]]
    users: dict[str, Any]
    discipline_slugs: dict[int, str]
    reviewer_for: dict[int, Any]
    head: str
    tables: dict[type[models.Model], CopyTable] = field(default_factory=dict)
    ids: dict[type[models.Model], SequenceIds] = field(default_factory=dict)
    numbers: list[int] = field(default_factory=list)
    copier: threading.Thread | None = None
    failure: BaseException | None = None

    @cached_property
    def users_by_pk(self) -> dict[int, Any]:
        return {user.pk: user for user in self.users.values()}

    @cached_property
    def disciplines(self) -> dict[int, Discipline]:
        return {
            pk: Discipline(pk=pk, slug=slug)
            for pk, slug in self.discipline_slugs.items()
        }

    @cached_property
    def questions(self) -> dict[int, Question]:
        return {q.pk: q for _, questions in self.versions for q in questions}

    def table(self, model: type[models.Model]) -> CopyTable:
        if model not in self.tables:
            self.tables[model] = CopyTable(model)
        return self.tables[model]

    def take_id(self, model: type[models.Model]) -> int:
        if model not in self.ids:
            self.ids[model] = SequenceIds(self.id_cursor, model)
        return self.ids[model].take()

    def add(
        self,
        model: type[models.Model],
        row: dict[str, Any],
        *,
        user: Any,
        when: datetime,
        varying: frozenset[str] | None = None,
    ) -> dict[str, Any]:
        row.setdefault("id", self.take_id(model))
        user_id = user.pk if user else None
        self.table(model).add(row, user_id=user_id, when=when, varying=varying)
        return row

    def flush(self) -> None:
        """COPY what was added, in a thread: the next batch is generated meanwhile
        (the server does the COPY work on the other core)."""
        self.wait()
        work = [
            item
            for model in FLUSH_ORDER
            if model in self.tables
            for item in self.tables[model].take()
        ]
        self.copier = threading.Thread(target=self._copy, args=(work,))
        self.copier.start()

    def _copy(self, work: list[tuple[str, io.StringIO]]) -> None:
        try:
            copy_rows(self.cursor, work)
        except BaseException as error:  # re-raised in the main thread by wait()
            self.failure = error

    def wait(self) -> None:
        if self.copier is not None:
            self.copier.join()
            self.copier = None
        if self.failure is not None:
            raise self.failure
