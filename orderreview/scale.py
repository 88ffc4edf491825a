"""A large, realistic dataset for load tests: `manage.py seed_scale --orders N`.

Rows are written with PostgreSQL COPY, batch by batch, in one transaction, and every
row gets its history row (history_type "+", the acting user, the row's own time) in
the same COPY pass, so the audit trail is as complete as if the services had written
them. Primary keys and order numbers come from the tables' own sequences (nextval in
bulk), so rows created later by the app never collide. Signatures are computed with
reviews.signing exactly as reviews.services does and appended at the chain head under
the chain's advisory lock, so `manage.py verify_signatures` passes afterwards.

Nothing is dropped or disabled: constraints, indexes and triggers stay on while the
rows arrive (foreign keys are deferred to the commit, as Django creates them).
"""

import io
import json
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction

from communications.models import Communication
from orderreview.demo import seed_demo
from orderreview.models import User
from orders.models import (
    Channel,
    Customer,
    Discipline,
    Order,
    OrderFormVersion,
    Question,
)
from requirements.models import Requirement, RequirementSet
from reviews import signing
from reviews.models import Assessment, Decision, Review, Signature

# Above this many orders the database holds more than demo data: adding made-up
# orders to it needs --force-more, so nobody pads a real database by accident.
DEMO_ORDERS_AT_MOST = 200
BATCH_ORDERS = 2000
CUSTOMERS_PER_ORDER = 1 / 20
SPAN_DAYS = 730
RECENT_DAYS = 30

# (state, weight) for orders older than RECENT_DAYS, and for recent ones.
OLD_STATES = [
    ("accepted", 70),
    ("rejected", 11),
    ("change_accepted", 8),
    ("draft", 2),
    ("awaiting", 1),
    ("in_review", 1),
    ("change_open", 1),
]
RECENT_STATES = [
    ("draft", 15),
    ("awaiting", 25),
    ("in_review", 25),
    ("accepted", 20),
    ("rejected", 5),
    ("change_open", 7),
    ("change_accepted", 3),
]
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
]
# Given to the newest orders, last first: two orders are one open review and one
# signed acceptance, and seven show every state.
ALL_STATES = [
    "in_review",
    "accepted",
    "draft",
    "awaiting",
    "rejected",
    "change_open",
    "change_accepted",
]
INBOUND = ["phone", "email"]
CHANNELS = [c.value for c in Channel]
FIRST_WORDS = [
    "Acme",
    "Nordic",
    "Helix",
    "Delta",
    "Orion",
    "Vega",
    "Atlas",
    "Polar",
    "Summit",
    "Zenith",
]
SECOND_WORDS = [
    "Precision",
    "Instruments",
    "Medical",
    "Robotics",
    "Motors",
    "Optics",
    "Tooling",
]
SUFFIXES = ["Ltd", "AB", "GmbH", "Inc.", "S.A.", "B.V.", "Oy", "SpA"]
CONDITIONS = [
    "Subject to material availability within two weeks.",
    "Delivery in two partial shipments.",
    "First article inspection adds five working days.",
]
CANNOT = [
    "Tolerance tighter than our machines hold.",
    "Capacity fully booked for the requested date.",
    "Credit limit exceeded.",
]


class ScaleRefused(Exception):
    """The database holds more than demo data and --force-more was not given."""


# --- COPY writer ------------------------------------------------------------------


_SPECIAL = ("\\", "\t", "\n", "\r")


def _text(value: object) -> str:
    if value is None:
        return "\\N"
    text = str(value)
    if any(char in text for char in _SPECIAL):
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


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
    return _text


class _Table:
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


def _copy(cursor: Any, work: list[tuple[str, io.StringIO]]) -> None:
    """COPY the buffers in. The one place rows reach the tables, always with their
    history rows beside them (see _Table.take)."""
    for statement, buffer in work:
        cursor.copy_expert(statement, buffer)


class _Ids:
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


# --- answers ----------------------------------------------------------------------


def _choices(question: Question) -> list[str]:
    return [
        str(c.get("value") if isinstance(c, dict) else c) for c in question.choices
    ] or ["Standard"]


def _answer(question: Question, rnd: random.Random, serial: int) -> Any:
    kind = question.kind
    Kind = Question.Kind
    if kind == Kind.INTEGER:
        low = int(question.min_value if question.min_value is not None else 1)
        high = int(question.max_value if question.max_value is not None else 5000)
        return rnd.randint(low, min(high, low + 5000))
    if kind == Kind.DECIMAL:
        low = float(question.min_value if question.min_value is not None else 0)
        return f"{low + rnd.randint(1, 9999) / 100:.2f}"
    if kind == Kind.DATE:
        return (date(2026, 1, 1) + timedelta(days=rnd.randint(0, 700))).isoformat()
    if kind == Kind.YES_NO:
        return rnd.choice(["yes", "no"])
    if kind == Kind.SINGLE_CHOICE:
        return rnd.choice(_choices(question))
    if kind == Kind.MULTIPLE_CHOICE:
        return [rnd.choice(_choices(question))]
    if kind == Kind.FILE:
        name = f"{question.key}-{serial}.pdf"
        return {
            "name": name,
            "path": f"uploads/scale/{question.key}/{name}",
            "size": rnd.randint(20_000, 900_000),
            "content_type": "application/pdf",
        }
    if kind == Kind.EMAIL:
        return f"buyer{serial % 997}@customer{serial % 89}.example"
    if kind == Kind.LONG_TEXT:
        return f"Please see drawing notes, batch {serial}."
    return f"{question.key.upper()[:6]}-{serial}"


def _answers(
    questions: list[Question], rnd: random.Random, serial: int
) -> dict[str, Any]:
    """Every required visible question answered, optional ones a quarter of the time."""
    answers: dict[str, Any] = {}
    for question in questions:
        if question.show_if_question:
            controller = answers.get(question.show_if_question)
            given = controller if isinstance(controller, list) else [controller]
            if not set(map(str, given)) & set(map(str, question.show_if_values)):
                continue
        if question.required or rnd.random() < 0.25:
            answers[question.key] = _answer(question, rnd, serial)
    if not answers:
        # A form of optional questions only: an order still states something.
        first = questions[0]
        answers[first.key] = _answer(first, rnd, serial)
    return answers


# --- the dataset ------------------------------------------------------------------


@dataclass
class _Context:
    cursor: Any
    id_cursor: Any
    rnd: random.Random
    now: datetime
    versions: list[tuple[OrderFormVersion, list[Question]]]
    customers: list[tuple[int, str, str]]
    users: dict[str, Any]
    discipline_slugs: dict[int, str]
    reviewer_for: dict[int, Any]
    head: str
    tables: dict[type[models.Model], _Table] = field(default_factory=dict)
    ids: dict[type[models.Model], _Ids] = field(default_factory=dict)
    numbers: list[int] = field(default_factory=list)
    copier: threading.Thread | None = None
    failure: BaseException | None = None

    def table(self, model: type[models.Model]) -> _Table:
        if model not in self.tables:
            self.tables[model] = _Table(model)
        return self.tables[model]

    def take_id(self, model: type[models.Model]) -> int:
        if model not in self.ids:
            self.ids[model] = _Ids(self.id_cursor, model)
        return self.ids[model].take()

    def add(
        self,
        model: type[models.Model],
        row: dict[str, Any],
        *,
        user: Any,
        when: datetime,
    ) -> dict[str, Any]:
        row.setdefault("id", self.take_id(model))
        self.table(model).add(row, user_id=user.pk if user else None, when=when)
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
            _copy(self.cursor, work)
        except BaseException as error:  # re-raised in the main thread by wait()
            self.failure = error

    def wait(self) -> None:
        if self.copier is not None:
            self.copier.join()
            self.copier = None
        if self.failure is not None:
            raise self.failure


def _sign(
    ctx: _Context,
    *,
    order: dict,
    customer: tuple[int, str, str],
    revision: dict,
    requirements: list[dict],
    assessments: list[dict],
    decision: dict,
) -> None:
    """Append a signature for decision at the chain head, as _signature_append does:
    the content goes through signing.review_content, so the hash is the service's."""
    users = {u.pk: u for u in ctx.users.values()}
    disciplines = ctx.discipline_slugs

    def req_ns(row: dict) -> SimpleNamespace:
        return SimpleNamespace(
            pk=row["id"],
            position=row["position"],
            key=row["key"],
            statement=row["statement"],
            value=row["value"],
            category=row["category"],
            source=row["source"],
            discipline=SimpleNamespace(slug=disciplines[row["discipline_id"]]),
        )

    by_id = {row["id"]: req_ns(row) for row in requirements}
    review = SimpleNamespace(
        order=SimpleNamespace(
            number=order["number"],
            customer=SimpleNamespace(account_code=customer[1], name=customer[2]),
            customer_reference=order["customer_reference"],
            channel=order["channel"],
            requested_date=order["requested_date"],
        ),
        requirement_set=SimpleNamespace(
            number=revision["number"],
            reason=revision["reason"],
            submitted_by=users.get(revision["submitted_by_id"]),
            submitted_at=revision["submitted_at"],
            requirements=SimpleNamespace(all=lambda: list(by_id.values())),
        ),
        assessments=SimpleNamespace(
            all=lambda: [
                SimpleNamespace(
                    requirement_id=a["requirement_id"],
                    requirement=by_id[a["requirement_id"]],
                    discipline=SimpleNamespace(slug=disciplines[a["discipline_id"]]),
                    verdict=a["verdict"],
                    note=a["note"],
                    assessed_by=users.get(a["assessed_by_id"]),
                    assessed_at=a["assessed_at"],
                    carried_from_id=a["carried_from_id"],
                )
                for a in assessments
            ]
        ),
    )
    signer = users[decision["decided_by_id"]]
    decision_ns = SimpleNamespace(
        outcome=decision["outcome"],
        reasons=decision["reasons"],
        decided_by=signer,
        decided_at=decision["decided_at"],
    )
    content = signing.review_content(review, decision_ns)
    digest = signing.content_hash(content)
    meaning = signing.MEANINGS[decision["outcome"]]
    signed_at = decision["decided_at"]
    signature_id = ctx.take_id(Signature)
    row = {
        "id": signature_id,
        "decision_id": decision["id"],
        "signer_id": signer.pk,
        "printed_name": signer.printed_name,
        "meaning": meaning,
        "signed_at": signed_at,
        "content": content,
        "content_hash": digest,
        "previous_hash": ctx.head,
        "signature_hash": signing.signature_hash(
            decision_id=decision["id"],
            signer_id=signer.pk,
            printed_name=signer.printed_name,
            meaning=meaning,
            signed_at=signed_at,
            content_hash=digest,
            previous_hash=ctx.head,
        ),
    }
    ctx.add(Signature, row, user=signer, when=signed_at)
    ctx.head = row["signature_hash"]


def _revision(
    ctx: _Context,
    *,
    order: dict,
    number: int,
    answers: dict[str, Any],
    questions: list[Question],
    created_at: datetime,
    submitted: bool,
    state: str,
) -> tuple[dict, list[dict]]:
    service = ctx.users["service"]
    revision = ctx.add(
        RequirementSet,
        {
            "order_id": order["id"],
            "number": number,
            "state": state,
            "answers": answers,
            "reason": "" if number == 1 else "Customer changed the quantity",
            "channel": "" if number == 1 else order["channel"],
            "requested_by": "" if number == 1 else "Customer buyer",
            "created_by_id": service.pk,
            "created_at": created_at,
            "submitted_by_id": service.pk if submitted else None,
            "submitted_at": created_at + timedelta(minutes=20) if submitted else None,
        },
        user=service,
        when=created_at,
    )
    requirements = []
    if submitted:
        for question in questions:
            if question.key not in answers:
                continue
            requirements.append(
                ctx.add(
                    Requirement,
                    {
                        "requirement_set_id": revision["id"],
                        "question_id": question.pk,
                        "key": question.key,
                        "statement": question.label,
                        "value": answers[question.key],
                        "category": question.category,
                        "discipline_id": question.discipline_id,
                        "source": Requirement.Source.FORM,
                        "position": question.position,
                        "created_by_id": service.pk,
                    },
                    user=service,
                    when=revision["submitted_at"],
                )
            )
    return revision, requirements


def _review(
    ctx: _Context,
    *,
    order: dict,
    revision: dict,
    requirements: list[dict],
    outcome: str | None,
    started: bool,
    earlier: dict[str, dict] | None = None,
) -> tuple[dict, list[dict], datetime | None]:
    """A review with one slot per requirement; outcome None leaves it open."""
    rnd = ctx.rnd
    opened_at = revision["submitted_at"] + timedelta(seconds=1)
    closed_at = _later(ctx, opened_at, hours=rnd.randint(2, 120)) if outcome else None
    review = ctx.add(
        Review,
        {
            "requirement_set_id": revision["id"],
            "order_id": order["id"],
            "state": "decided" if outcome else "open",
            "due_date": (opened_at + timedelta(days=settings.REVIEW_DUE_DAYS)).date(),
            "opened_at": opened_at,
            "closed_at": closed_at,
        },
        user=ctx.users["service"],
        when=opened_at,
    )
    assessments = []
    refusal_at = rnd.randrange(len(requirements)) if outcome == "reject" else -1
    for index, requirement in enumerate(requirements):
        reviewer = ctx.reviewer_for[requirement["discipline_id"]]
        old = (earlier or {}).get(requirement["key"])
        row = {
            "review_id": review["id"],
            "requirement_id": requirement["id"],
            "discipline_id": requirement["discipline_id"],
            "verdict": "",
            "note": "",
            "assessed_by_id": None,
            "assessed_at": None,
            "carried_from_id": None,
            "version": 0,
        }
        if old is not None and old["verdict"] and old["value"] == requirement["value"]:
            row.update(
                verdict=old["verdict"],
                note=old["note"],
                assessed_by_id=old["assessed_by_id"],
                assessed_at=old["assessed_at"],
                carried_from_id=old["id"],
            )
        elif outcome or (started and (index == 0 or rnd.random() < 0.5)):
            span = (closed_at or ctx.now) - opened_at
            row.update(
                verdict="can_meet",
                assessed_by_id=reviewer.pk,
                assessed_at=opened_at + span * rnd.uniform(0.05, 0.9),
                version=1,
            )
            if index == refusal_at:
                row.update(verdict="cannot_meet", note=rnd.choice(CANNOT))
            elif rnd.random() < 0.08:
                row.update(verdict="conditions", note=rnd.choice(CONDITIONS))
        who = reviewer if row["assessed_by_id"] else ctx.users["service"]
        assessments.append(
            ctx.add(Assessment, row, user=who, when=row["assessed_at"] or opened_at)
        )
    return review, assessments, closed_at


def _decide(
    ctx: _Context,
    *,
    order: dict,
    customer: tuple[int, str, str],
    revision: dict,
    requirements: list[dict],
    review: dict,
    assessments: list[dict],
    outcome: str,
    decided_at: datetime,
) -> None:
    approver = ctx.users["approver"]
    decision = ctx.add(
        Decision,
        {
            "review_id": review["id"],
            "outcome": outcome,
            "reasons": ""
            if outcome == "accept"
            else "A requirement cannot be met: " + _rejection_reason(assessments),
            "decided_by_id": approver.pk,
            "decided_at": decided_at,
        },
        user=approver,
        when=decided_at,
    )
    _sign(
        ctx,
        order=order,
        customer=customer,
        revision=revision,
        requirements=requirements,
        assessments=assessments,
        decision=decision,
    )


def _rejection_reason(assessments: list[dict]) -> str:
    return next((a["note"] for a in assessments if a["verdict"] == "cannot_meet"), "")


def _communication(
    ctx: _Context,
    *,
    order: dict,
    kind: str,
    direction: str,
    subject: str,
    when: datetime,
    user: Any,
) -> None:
    row = {
        "customer_id": order["customer_id"],
        "order_id": order["id"],
        "direction": direction,
        "channel": "email"
        if direction == "out"
        else ctx.rnd.choice(["phone", "email"]),
        "kind": kind,
        "subject": subject,
        "body": f"{subject}. Recorded for {order['number']}.",
        "occurred_at": when,
        "recorded_by_id": user.pk if user else None,
        "recorded_at": when,
        "follow_up": "",
        "resolution": "",
        "closed_by_id": None,
        "closed_at": None,
    }
    if kind in Communication.FOLLOW_UP_KINDS:
        state = ctx.rnd.choice(["open", "in_progress", "closed", "closed"])
        row["follow_up"] = state
        if state == "closed":
            row.update(
                resolution="Resolved with the customer by phone.",
                closed_by_id=ctx.users["service"].pk,
                closed_at=when + timedelta(days=2),
            )
    ctx.add(Communication, row, user=user, when=when)


def _later(ctx: _Context, when: datetime, *, hours: int) -> datetime:
    """hours after when, squeezed before now for recent orders."""
    room = (ctx.now - when) * 0.9
    return when + min(timedelta(hours=hours), room * ctx.rnd.uniform(0.2, 1))


def _order(
    ctx: _Context, created_at: datetime, serial: int, state: str | None = None
) -> None:
    rnd = ctx.rnd
    age = ctx.now - created_at
    weights = RECENT_STATES if age.days < RECENT_DAYS else OLD_STATES
    state = state or rnd.choices([s for s, _ in weights], [w for _, w in weights])[0]
    version, questions = rnd.choice(ctx.versions)
    customer = rnd.choice(ctx.customers)
    service = ctx.users["service"]
    number_value = ctx.numbers.pop()
    status = {
        "draft": "draft",
        "awaiting": "awaiting_review",
        "in_review": "in_review",
        "accepted": "accepted",
        "rejected": "rejected",
        "change_accepted": "accepted",
        "change_open": rnd.choice(["awaiting_review", "in_review"]),
    }[state]
    documented = rnd.random() > 0.05
    confirmed_at = None if documented else created_at + timedelta(hours=3)
    submitted = state != "draft"
    order = {
        "id": ctx.take_id(Order),
        "number": f"{settings.ORDER_NUMBER_PREFIX}-{created_at.year}-"
        f"{number_value:06d}",
        "customer_id": customer[0],
        "form_version_id": version.pk,
        "channel": rnd.choice(CHANNELS),
        "customer_reference": f"PO-{rnd.randint(10000, 99999)}",
        "requested_date": (created_at + timedelta(days=rnd.randint(14, 90))).date(),
        "status": status,
        "entered_by_id": service.pk,
        "created_at": created_at,
        "updated_at": created_at,
        "submitted_at": created_at + timedelta(minutes=20) if submitted else None,
        "documented_statement": documented,
        "confirmation_method": "" if documented else "Phone call with the buyer",
        "confirmed_at": confirmed_at,
        "confirmed_by_id": None if documented else service.pk,
        "customer_to_confirm": False,
        "contact_details": {},
    }
    answers = _answers(questions, rnd, serial)
    first_state = {
        "draft": "draft",
        "awaiting": "submitted",
        "in_review": "submitted",
        "rejected": "rejected",
    }.get(state, "accepted")
    rev1, reqs1 = _revision(
        ctx,
        order=order,
        number=1,
        answers=answers,
        questions=questions,
        created_at=created_at,
        submitted=submitted,
        state=first_state,
    )
    last_change = created_at
    if submitted:
        _communication(
            ctx,
            order=order,
            kind="order_acknowledgement",
            direction="out",
            subject=f"Order {order['number']} received",
            when=rev1["submitted_at"] + timedelta(minutes=1),
            user=None,
        )
        outcome = {"accepted": "accept", "rejected": "reject"}.get(first_state)
        review1, slots1, closed = _review(
            ctx,
            order=order,
            revision=rev1,
            requirements=reqs1,
            outcome=outcome,
            started=state == "in_review",
        )
        last_change = closed or rev1["submitted_at"]
        if outcome:
            _decide(
                ctx,
                order=order,
                customer=customer,
                revision=rev1,
                requirements=reqs1,
                review=review1,
                assessments=slots1,
                outcome=outcome,
                decided_at=closed,
            )
            _communication(
                ctx,
                order=order,
                kind="decision_notice",
                direction="out",
                subject=f"Order {order['number']} "
                + ("accepted" if outcome == "accept" else "rejected"),
                when=closed + timedelta(minutes=1),
                user=None,
            )
        if state.startswith("change"):
            changed = dict(answers)
            key = next((q.key for q in questions if q.kind == "integer"), None)
            if key:
                changed[key] = (changed.get(key) or 1) + rnd.randint(1, 50)
            started_at = _later(ctx, closed, hours=rnd.randint(24, 480))
            decided = state == "change_accepted"
            rev2, reqs2 = _revision(
                ctx,
                order=order,
                number=2,
                answers=changed,
                questions=questions,
                created_at=started_at,
                submitted=True,
                state="accepted" if decided else "submitted",
            )
            earlier = {
                r["key"]: {**slot, "value": r["value"]}
                for r, slot in zip(reqs1, slots1, strict=True)
            }
            review2, slots2, closed2 = _review(
                ctx,
                order=order,
                revision=rev2,
                requirements=reqs2,
                outcome="accept" if decided else None,
                started=status == "in_review",
                earlier=earlier,
            )
            last_change = closed2 or rev2["submitted_at"]
            if decided:
                _decide(
                    ctx,
                    order=order,
                    customer=customer,
                    revision=rev2,
                    requirements=reqs2,
                    review=review2,
                    assessments=slots2,
                    outcome="accept",
                    decided_at=closed2,
                )
                _communication(
                    ctx,
                    order=order,
                    kind="change_notice",
                    direction="out",
                    subject=f"Change to order {order['number']} accepted",
                    when=closed2 + timedelta(minutes=1),
                    user=None,
                )
    if rnd.random() < 0.04:
        _communication(
            ctx,
            order=order,
            kind=rnd.choice(["complaint", "feedback"]),
            direction="in",
            subject="Customer comment on delivery",
            when=min(last_change + timedelta(days=3), ctx.now),
            user=service,
        )
    order["updated_at"] = min(last_change, ctx.now)
    ctx.add(Order, order, user=service, when=order["updated_at"])


def _customers(ctx: _Context, count: int) -> None:
    service = ctx.users["service"]
    base = Customer.objects.count()
    for index in range(count):
        serial = base + index + 1
        name = (
            f"{ctx.rnd.choice(FIRST_WORDS)} {ctx.rnd.choice(SECOND_WORDS)} "
            f"{serial} {ctx.rnd.choice(SUFFIXES)}"
        )
        when = ctx.now - timedelta(days=SPAN_DAYS + 30)
        row = ctx.add(
            Customer,
            {
                "name": name,
                "account_code": f"SC-{serial:06d}",
                "contact_name": f"Buyer {serial}",
                "email": f"orders{serial}@customer.example",
                "phone": f"+44 20 7946 {serial % 10000:04d}",
                "address": f"{serial} Industrial Way",
                "notes": "",
                "created_at": when,
            },
            user=service,
            when=when,
        )
        ctx.customers.append((row["id"], row["account_code"], row["name"]))


def _load_context(cursor: Any, id_cursor: Any, seed: int) -> _Context:
    users = {u.username: u for u in User.objects.filter(username__in=_DEMO_NAMES)}
    versions = []
    for version in OrderFormVersion.objects.filter(status="published").order_by("pk"):
        questions = sorted(version.questions.all(), key=lambda q: (q.position, q.pk))
        if questions:
            versions.append((version, questions))
    if not versions:
        raise ScaleRefused("No published order form with questions to order from.")
    reviewer_for = {}
    slugs = {}
    for discipline in Discipline.objects.prefetch_related("members"):
        slugs[discipline.pk] = discipline.slug
        members = sorted(discipline.members.all(), key=lambda u: u.pk)
        reviewer_for[discipline.pk] = members[0] if members else users["admin"]
    head = (
        Signature.objects.order_by("-pk").values_list("signature_hash", flat=True)
    ).first() or signing.GENESIS_HASH
    customers = list(
        Customer.objects.filter(account_code__startswith="SC-").values_list(
            "pk", "account_code", "name"
        )
    )
    return _Context(
        cursor=cursor,
        id_cursor=id_cursor,
        rnd=random.Random(seed),
        now=datetime.now(UTC).replace(microsecond=0),
        versions=versions,
        customers=customers,
        users=users,
        discipline_slugs=slugs,
        reviewer_for=reviewer_for,
        head=head,
    )


_DEMO_NAMES = ["service", "approver", "admin", "engineer", "planner", "quality"]


def _times(ctx: _Context, count: int) -> Iterator[datetime]:
    """count creation times over the last SPAN_DAYS, oldest first."""
    span = SPAN_DAYS * 86400
    offsets = sorted(ctx.rnd.random() * span for _ in range(count))
    start = ctx.now - timedelta(days=SPAN_DAYS)
    for offset in offsets:
        yield start + timedelta(seconds=offset, microseconds=ctx.rnd.randint(0, 999))


def seed_scale(
    *,
    orders: int,
    force_more: bool = False,
    seed: int = 42,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Top the database up to `orders` orders, with everything around them.

    Returns how many rows of each kind were added (empty when enough orders exist).
    Refuses (ScaleRefused) to add to a database holding more than demo data unless
    force_more, so real data is never padded with made-up orders by accident.
    """
    say = progress or (lambda message: None)
    seed_demo()
    existing = Order.objects.count()
    if existing >= orders:
        return {}
    if existing > DEMO_ORDERS_AT_MOST and not force_more:
        raise ScaleRefused(
            f"The database already holds {existing} orders, more than demo data "
            f"({DEMO_ORDERS_AT_MOST} at most): refusing to add made-up orders to it. "
            "Use --force-more to add them anyway."
        )
    wanted = orders - existing
    started = time.monotonic()
    # Keys and order numbers come over a second connection (nextval is not
    # transactional), so the main one can COPY while the next batch is built.
    ids_connection = connection.get_new_connection(connection.get_connection_params())
    ids_connection.autocommit = True
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # Signers append under the same lock (reviews.services.decision_sign).
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [signing.CHAIN_LOCK_KEY])
            # Check foreign keys row by row during each COPY (parents are copied
            # first) rather than queueing millions of checks for the commit.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            ctx = _load_context(cursor.cursor, ids_connection.cursor(), seed + existing)
            _customers(ctx, max(10, int(wanted * CUSTOMERS_PER_ORDER)))
            times = list(_times(ctx, wanted))
            for start in range(0, wanted, BATCH_ORDERS):
                chunk = times[start : start + BATCH_ORDERS]
                ctx.id_cursor.execute(
                    "SELECT nextval('orders_order_number_seq') "
                    "FROM generate_series(1, %s)",
                    [len(chunk)],
                )
                ctx.numbers = [row[0] for row in ctx.id_cursor.fetchall()][::-1]
                for offset, created_at in enumerate(chunk):
                    # The newest orders take every state once, so even a tiny
                    # dataset shows each of them.
                    left = wanted - (start + offset) - 1
                    state = ALL_STATES[left] if left < len(ALL_STATES) else None
                    _order(ctx, created_at, existing + start + offset + 1, state)
                ctx.flush()
                say(
                    f"{start + len(chunk)}/{wanted} orders "
                    f"({time.monotonic() - started:.0f} s)"
                )
            ctx.wait()
    finally:
        ids_connection.close()
    with connection.cursor() as cursor:
        # Fresh planner statistics: the lists' plans depend on them at this size.
        for table in ctx.tables.values():
            for name in (table.model._meta.db_table, table.history_table):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(name)}")
    return {model._meta.label: table.count for model, table in ctx.tables.items()}
