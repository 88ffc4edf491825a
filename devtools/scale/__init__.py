"""A large, realistic dataset for load tests: `manage.py seed_scale --orders N`.

Rows are written with PostgreSQL COPY, batch by batch, in one transaction, and every
row gets its history row (history_type "+", the acting user, the row's own time) in
the same COPY pass, so the audit trail is as complete as if the services had written
them. Primary keys and order numbers come from the tables' own sequences (nextval in
bulk), so rows created later by the app never collide. Signatures are computed with
reviews.signing exactly as reviews.services does and appended at the chain head under
the chain's advisory lock, so `manage.py verify_signatures` passes afterwards.

When a run adds more orders than the database holds (the bench database's first
fill), the loaded tables' secondary indexes and foreign keys are set aside for the
load and built again before the commit (bulkload); primary keys, unique and check
constraints and every trigger stay on. A run that fails rolls it all back.

Progress: a line now and then with the orders done, the rate and the time left.

Modules: copy (the COPY writer), bulkload (indexes set aside and rebuilt), answers
(order-form answers), multiline (orders of several lines), context (what the
generators share), customers, orders (one order and everything around it),
revisions (a revision and its requirements), signatures (made with reviews.signing
from the rows about to be COPYed).
"""

import random
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection, transaction

from devtools.demo import seed_demo
from devtools.scale import bulkload
from devtools.scale.context import FLUSH_ORDER, Context
from devtools.scale.customers import customers_add
from devtools.scale.orders import ALL_STATES, SPAN_DAYS, order_add
from orderreview.models import User
from orders.models import Customer, Discipline, Order, OrderFormVersion
from orders.orderforms import lines
from reviews import heads, signing
from reviews.models import Signature

# Above this many orders the database holds more than demo data: adding made-up
# orders to it needs --force-more, so nobody pads a real database by accident.
DEMO_ORDERS_AT_MOST = 200
BATCH_ORDERS = 2000
CUSTOMERS_PER_ORDER = 1 / 20


class ScaleRefused(Exception):
    """The database holds more than demo data and --force-more was not given."""


def _load_context(cursor: Any, id_cursor: Any, seed: int) -> Context:
    users = {u.username: u for u in User.objects.filter(username__in=_DEMO_NAMES)}
    versions = []
    line_sections = {}
    published = OrderFormVersion.objects.filter(status="published")
    for version in published.prefetch_related("sections").order_by("pk"):
        questions = sorted(version.questions.all(), key=lambda q: (q.position, q.pk))
        if questions:
            versions.append((version, questions))
            line_sections[version.pk] = lines.split_questions(
                questions, version.sections.all()
            )
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
    return Context(
        cursor=cursor,
        id_cursor=id_cursor,
        rnd=random.Random(seed),
        now=datetime.now(UTC).replace(microsecond=0),
        versions=versions,
        line_sections=line_sections,
        customers=customers,
        users=users,
        discipline_slugs=slugs,
        reviewer_for=reviewer_for,
        head=head,
    )


_DEMO_NAMES = ["service", "approver", "admin", "engineer", "planner", "quality"]


def _times(ctx: Context, count: int) -> Iterator[datetime]:
    """count creation times over the last SPAN_DAYS, oldest first."""
    span = SPAN_DAYS * 86400
    offsets = sorted(ctx.rnd.random() * span for _ in range(count))
    start = ctx.now - timedelta(days=SPAN_DAYS)
    for offset in offsets:
        yield start + timedelta(seconds=offset, microseconds=ctx.rnd.randint(0, 999))


def _loaded_tables() -> list[str]:
    """The tables seed_scale writes, and their history tables."""
    return [
        table
        for model in FLUSH_ORDER
        for table in (model._meta.db_table, model.history.model._meta.db_table)
    ]


def _progress_every(wanted: int) -> int:
    """About fifty progress lines a run, each at the end of a batch."""
    batches = max(1, wanted // BATCH_ORDERS // 50)
    return batches * BATCH_ORDERS


def _orders_add(
    ctx: Context, existing: int, wanted: int, say: Callable[[str], None]
) -> None:
    """wanted orders after existing ones, batch by batch, a progress line with the
    rate and the time left now and then."""
    started = time.monotonic()
    every = _progress_every(wanted)
    times = list(_times(ctx, wanted))
    for start in range(0, wanted, BATCH_ORDERS):
        chunk = times[start : start + BATCH_ORDERS]
        ctx.id_cursor.execute(
            "SELECT nextval('orders_order_number_seq') FROM generate_series(1, %s)",
            [len(chunk)],
        )
        ctx.numbers = [row[0] for row in ctx.id_cursor.fetchall()][::-1]
        for offset, created_at in enumerate(chunk):
            # The newest orders take every state once, so even a tiny dataset
            # shows each of them.
            left = wanted - (start + offset) - 1
            state = ALL_STATES[left] if left < len(ALL_STATES) else None
            order_add(ctx, created_at, existing + start + offset + 1, state)
        ctx.flush()
        done = start + len(chunk)
        if done % every and done < wanted:
            continue
        if done == wanted:
            ctx.wait()
        seconds = max(time.monotonic() - started, 0.001)
        rate = done / seconds
        say(
            f"{done}/{wanted} orders, {rate:.0f} orders/s, "
            f"{seconds:.0f} s so far, about {(wanted - done) / rate:.0f} s to go"
        )
    ctx.wait()


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
    begun = time.monotonic()
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
    say(f"demo data in place ({time.monotonic() - begun:.0f} s)")
    # Keys and order numbers come over a second connection (nextval is not
    # transactional), so the main one can COPY while the next batch is built.
    ids_connection = connection.get_new_connection(connection.get_connection_params())
    ids_connection.autocommit = True
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # Signers append under the same lock (reviews.services.decision_sign).
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [signing.CHAIN_LOCK_KEY])
            # Nothing waits on this commit but us: no need to wait for the disk.
            cursor.execute("SET LOCAL synchronous_commit = off")
            # Check foreign keys row by row during each COPY (parents are copied
            # first) rather than queueing millions of checks for the commit.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # More orders to add than there are: build the indexes once, after.
            rebuild = (
                bulkload.set_aside(cursor, _loaded_tables())
                if wanted > existing
                else []
            )
            ctx = _load_context(cursor.cursor, ids_connection.cursor(), seed + existing)
            customers_add(ctx, max(10, int(wanted * CUSTOMERS_PER_ORDER)))
            _orders_add(ctx, existing, wanted, say)
            bulkload.restore(cursor, rebuild, say)
    finally:
        ids_connection.close()
    say(f"{wanted} orders committed ({time.monotonic() - started:.0f} s)")
    newest = Signature.objects.filter(signature_hash=ctx.head).first()
    if newest is not None:
        # The seeded chain's head joins the log kept outside the database.
        heads.head_append_after_commit(newest)
    analysed = time.monotonic()
    # Fresh planner statistics: the lists' plans depend on them at this size. Also
    # VACUUM what was loaded, as autovacuum would later (a server may run without
    # it): the visibility map lets index-only scans skip the table, and the first
    # pages to read the new rows need not write their hint bits. VACUUM cannot run
    # in a transaction (a test's), so there it is ANALYZE alone.
    vacuum = not connection.in_atomic_block
    command = "VACUUM (ANALYZE)" if vacuum else "ANALYZE"
    with connection.cursor() as cursor:
        for table in ctx.tables.values():
            for name in (table.model._meta.db_table, table.history_table):
                cursor.execute(f"{command} {connection.ops.quote_name(name)}")
    took = time.monotonic() - analysed
    vacuumed = "vacuumed and " if vacuum else ""
    say(f"{vacuumed}planner statistics refreshed ({took:.0f} s)")
    return {model._meta.label: table.count for model, table in ctx.tables.items()}
