"""One order and everything around it, for seed_scale: revisions (a change order now
and then), requirements, reviews, assessments, signed decisions, communications."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from communications.models import Communication
from devtools.scale.agreements import agreement_add
from devtools.scale.answers import answers_for, value_set
from devtools.scale.confirmations import confirmation_add
from devtools.scale.context import Context
from devtools.scale.multiline import line_answers_add, line_changed, version_pick
from devtools.scale.revisions import revision_add
from devtools.scale.signatures import sign
from orders.models import Channel, Order
from reviews.models import Assessment, Decision, Review

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
    ("conditions_declined", 1),
]
RECENT_STATES = [
    ("draft", 15),
    ("awaiting", 25),
    ("in_review", 25),
    ("accepted", 20),
    ("rejected", 5),
    ("change_open", 7),
    ("change_accepted", 3),
    ("awaiting_agreement", 4),
    ("conditions_declined", 1),
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
    "awaiting_agreement",
    "conditions_declined",
]
# Accepted with a condition, the customer's answer still to come or a decline.
CONDITIONAL_STATES = ("awaiting_agreement", "conditions_declined")
INBOUND = ["phone", "email"]
CHANNELS = [c.value for c in Channel]
# An assessment's discipline, verdict, note, assessor and version repeat from
# slot to slot: their COPY text is made once for each (CopyTable.add).
ASSESSMENT_VARYING = frozenset(
    {"id", "review_id", "requirement_id", "assessed_at", "carried_from_id"}
)

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


def _review(
    ctx: Context,
    *,
    order: dict,
    revision: dict,
    requirements: list[dict],
    outcome: str | None,
    started: bool,
    earlier: dict[str, dict] | None = None,
    conditional: bool = False,
) -> tuple[dict, list[dict], datetime | None]:
    """A review with one slot per requirement; outcome None leaves it open;
    conditional gives the first slot a condition."""
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
            "reopened_because": "",
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
            elif (conditional and index == 0) or rnd.random() < 0.08:
                row.update(verdict="conditions", note=rnd.choice(CONDITIONS))
        who = reviewer if row["assessed_by_id"] else ctx.users["service"]
        when = row["assessed_at"] or opened_at
        assessments.append(
            ctx.add(Assessment, row, user=who, when=when, varying=ASSESSMENT_VARYING)
        )
    return review, assessments, closed_at


def _decide(
    ctx: Context,
    *,
    order: dict,
    customer: tuple[int, str, str],
    revision: dict,
    requirements: list[dict],
    review: dict,
    assessments: list[dict],
    outcome: str,
    decided_at: datetime,
    confirmation: tuple[dict, dict] | None = None,
) -> tuple[dict, dict]:
    """The decision and its signature."""
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
    signature = sign(
        ctx,
        order=order,
        customer=customer,
        revision=revision,
        requirements=requirements,
        assessments=assessments,
        decision=decision,
        confirmation=confirmation,
    )
    return decision, signature


def _rejection_reason(assessments: list[dict]) -> str:
    return next((a["note"] for a in assessments if a["verdict"] == "cannot_meet"), "")


def _communication(
    ctx: Context,
    *,
    order: dict,
    kind: str,
    direction: str,
    subject: str,
    when: datetime,
    user: Any,
) -> dict:
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
    return ctx.add(Communication, row, user=user, when=when)


def _later(ctx: Context, when: datetime, *, hours: int) -> datetime:
    """hours after when, squeezed before now for recent orders."""
    room = (ctx.now - when) * 0.9
    return when + min(timedelta(hours=hours), room * ctx.rnd.uniform(0.2, 1))


def order_add(
    ctx: Context, created_at: datetime, serial: int, state: str | None = None
) -> None:
    rnd = ctx.rnd
    age = ctx.now - created_at
    weights = RECENT_STATES if age.days < RECENT_DAYS else OLD_STATES
    state = state or rnd.choices([s for s, _ in weights], [w for _, w in weights])[0]
    version, _questions = version_pick(ctx.versions, ctx.line_sections, rnd, serial)
    customer = rnd.choice(ctx.customers)
    service = ctx.users["service"]
    number_value = ctx.numbers.pop()
    status = {
        "draft": "draft",
        "awaiting": "awaiting_review",
        "in_review": "in_review",
        "accepted": "accepted",
        "rejected": "rejected",
        "awaiting_agreement": "awaiting_agreement",
        "conditions_declined": "conditions_declined",
        "change_accepted": "accepted",
        # A change in review leaves the order accepted (what was agreed holds).
        "change_open": "accepted",
    }[state]
    documented = rnd.random() > 0.05
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
        "change_in_review": state == "change_open",
        "entered_by_id": service.pk,
        "created_at": created_at,
        "updated_at": created_at,
        "submitted_at": created_at + timedelta(minutes=20) if submitted else None,
        "documented_statement": documented,
        "confirmation_method": "",  # legacy order-level field: per revision now
        "customer_to_confirm": False,
        "contact_details": {},
        "contact_email": "",
        "kind": "order",
        "quote_note": "",
        "value": None,
        "value_currency": "",
    }
    outer, groups = ctx.line_sections[version.pk]
    worth = frozenset({version.value_question, version.value_quantity_question})
    answers = answers_for(outer, rnd, serial, always=worth)
    line_answers_add(answers, groups, rnd, serial, always=worth)
    if submitted:
        value_set(order, version, answers)
    first_state = {
        "draft": "draft",
        "awaiting": "submitted",
        "in_review": "submitted",
        "rejected": "rejected",
    }.get(state, "accepted")
    rev1, reqs1 = revision_add(
        ctx,
        order=order,
        number=1,
        answers=answers,
        version=version,
        created_at=created_at,
        submitted=submitted,
        state=first_state,
    )
    last_change = created_at
    # Confirmed soon after submission; one awaiting review still waits for it.
    confirmation = None
    if submitted and not documented and state != "awaiting":
        confirmation = confirmation_add(
            ctx,
            order=order,
            revision=rev1,
            when=rev1["submitted_at"] + timedelta(minutes=5),
        )
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
            conditional=state in CONDITIONAL_STATES,
        )
        last_change = closed or rev1["submitted_at"]
        if outcome:
            decision, signature = _decide(
                ctx,
                order=order,
                customer=customer,
                revision=rev1,
                requirements=reqs1,
                review=review1,
                assessments=slots1,
                outcome=outcome,
                decided_at=closed,
                confirmation=confirmation,
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
        if state in CONDITIONAL_STATES:
            last_change = agreement_add(
                ctx,
                order=order,
                revision=rev1,
                decision=decision,
                signature=signature,
                requirements=reqs1,
                assessments=slots1,
                declined=state == "conditions_declined",
                record=_communication,
            )
        if state.startswith("change"):
            changed = line_changed(answers, groups, rnd) or dict(answers)
            key = next((q.key for q in outer if q.kind == "integer"), None)
            if key and not groups:
                changed[key] = (changed.get(key) or 1) + rnd.randint(1, 50)
            started_at = _later(ctx, closed, hours=rnd.randint(24, 480))
            decided = state == "change_accepted"
            # The value follows the latest submitted revision, as on submit.
            value_set(order, version, changed)
            rev2, reqs2 = revision_add(
                ctx,
                order=order,
                number=2,
                answers=changed,
                version=version,
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
                # Half the changes in review have a fresh verdict already.
                started=not decided and serial % 2 == 0,
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
