"""Reads shared by the reviews views, template tags and the verify command."""

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from orderreview import roles
from orderreview.chainkeys import LEGACY_KEY_ID
from orders.models import Discipline, Order
from requirements.models import Requirement, RequirementSet
from reviews import approval, heads, signing
from reviews.models import (
    Assessment,
    Decision,
    Review,
    Signature,
    StatutoryCheck,
)


def discipline_ids_of(user: Any) -> set[int]:
    return set(Discipline.objects.filter(members=user).values_list("pk", flat=True))


def assessments_open_for(review: Review, user: Any) -> list[Assessment]:
    """The user's still-open slots of an open review: unassessed, in a discipline
    they hold, in page order. What "mark all my open items" offers."""
    if review.state != Review.State.OPEN or not roles.has_role(user, *roles.REVIEWING):
        return []
    return list(
        Assessment.objects.filter(review=review, verdict="", discipline__members=user)
        .select_related("requirement", "discipline")
        .order_by("discipline__name", "requirement__position", "requirement__pk")
    )


def slot_count(slots: QuerySet[Assessment]) -> Coalesce:
    """How many of a review's slots match: a correlated count, so a page of reviews
    costs a page of index look-ups however many reviews are open."""
    counted = slots.order_by().values("review").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def reviews_for_reviewer(user: Any, *, pending_only: bool = False) -> QuerySet[Review]:
    """Open reviews with slots in the user's disciplines (pending_only: slots still
    unassessed), most urgent first, with how many of those slots are unassessed."""
    mine = Assessment.objects.filter(review=OuterRef("pk"), discipline__members=user)
    wanted = mine.filter(verdict="") if pending_only else mine
    # Uncorrelated, so PostgreSQL checks it once: someone without disciplines gets
    # nothing at once instead of a look at every open review.
    has_disciplines = Exists(Discipline.members.through.objects.filter(user=user))
    return (
        Review.objects.filter(state=Review.State.OPEN)
        .filter(has_disciplines, Exists(wanted))
        .annotate(
            mine_total=slot_count(mine),
            mine_pending=slot_count(mine.filter(verdict="")),
        )
        .select_related("order__customer", "requirement_set")
        .order_by("due_date", "pk")
    )


def orders_to_assess(
    orders: QuerySet[Order], discipline: Discipline
) -> QuerySet[Order]:
    """The orders with an open review slot of this discipline still unassessed."""
    return orders.filter(
        Exists(
            Assessment.objects.filter(
                review__order=OuterRef("pk"),
                review__state=Review.State.OPEN,
                discipline=discipline,
                verdict="",
            )
        )
    )


def reviewer_queue(user: Any, limit: int = 5) -> list[Review]:
    """The user's open review items for the home page, most urgent first."""
    reviews = list(reviews_for_reviewer(user, pending_only=True)[:limit])
    for review in reviews:
        review.overdue = is_overdue(review)
    return reviews


def reviews_awaiting_decision() -> QuerySet[Review]:
    """Open reviews with every slot assessed, and acceptances awaiting further
    approvers (approval rules): the approvers' queue."""
    slots = Assessment.objects.filter(review=OuterRef("pk"))
    return (
        Review.objects.filter(state__in=[Review.State.OPEN, Review.State.SIGNING])
        .filter(~Exists(slots.filter(verdict="")))
        .annotate(
            total=slot_count(slots),
            pending=Value(0, output_field=IntegerField()),
            cannot=slot_count(slots.filter(verdict="cannot_meet")),
        )
        .select_related("order__customer", "requirement_set")
        .order_by("due_date", "pk")
    )


# The revision's customer confirmation as the signed content (format 3), the
# record and the blockers read it: joined with the review, no query of its own.
CONFIRMATION = (
    "requirement_set__confirmation__confirmed_by",
    "requirement_set__confirmation__communication",
    "requirement_set__confirmation__attachment",
)


def _assessments() -> Prefetch:
    return Prefetch(
        "assessments",
        queryset=Assessment.objects.select_related(
            "requirement__question",
            "discipline",
            "assessed_by",
            "carried_from__review__requirement_set",
        ).order_by("discipline__name", "requirement__position", "requirement__pk"),
    )


def statutory_checks_signed() -> Prefetch:
    """A review's statutory checks with what the signed content reads: one query
    whether it has any or not."""
    return Prefetch(
        "statutory_checks",
        queryset=StatutoryCheck.objects.select_related("discipline", "checked_by"),
    )


def _statutory_checks() -> Prefetch:
    return Prefetch(
        "statutory_checks",
        queryset=StatutoryCheck.objects.select_related(
            "discipline", "checked_by", "requirement", "carried_from__review"
        ).order_by("discipline__name", "reference", "pk"),
    )


def review_get(pk: int, *, with_assessments: bool = True) -> Review:
    """One review with everything its page shows, in a fixed number of queries
    (without its slots: the review page reads only the rows it shows)."""
    slots = [_assessments()] if with_assessments else []
    queryset = Review.objects.select_related(
        "order__customer",
        "order__entered_by",
        "requirement_set__submitted_by",
        "requirement_set__created_by",
        # The change diff's order value reads the revision's order and form version.
        "requirement_set__order__form_version",
        "decision",
        *CONFIRMATION,
    ).prefetch_related(*slots, _statutory_checks())
    return get_object_or_404(queryset, pk=pk)


def review_for_record(number: str, revision: int) -> Review:
    """The review of one revision with what the acceptance record and the signed
    content need."""
    queryset = Review.objects.select_related(
        "order__customer",
        # Its value setting: the record's order value (orders.orderforms.order_value).
        "order__form_version",
        "requirement_set__submitted_by",
        "decision__decided_by",
        *CONFIRMATION,
        # The customer's answer to conditions, for the record: no query of its own.
        "decision__agreement__communication",
        "decision__agreement__recorded_by",
    ).prefetch_related(
        _assessments(),
        _statutory_checks(),
        Prefetch(
            "requirement_set__requirements",
            queryset=Requirement.objects.select_related("discipline", "question"),
        ),
        Prefetch(
            "decision__signatures",
            # With the approval rules at each signature (reviews.approval).
            queryset=Signature.objects.select_related("signer", "approval").order_by(
                "pk"
            ),
        ),
    )
    return get_object_or_404(
        queryset, order__number=number, requirement_set__number=revision
    )


def review_for_content(pk: int) -> Review:
    """A review with every relation the signed content reads, prefetched: a fixed
    number of queries however many requirements it has."""
    return (
        Review.objects.select_related(
            "order__customer", "requirement_set__submitted_by", *CONFIRMATION
        )
        .prefetch_related(
            "requirement_set__requirements__discipline",
            "requirement_set__requirements__question",
            "assessments__requirement",
            "assessments__discipline",
            "assessments__assessed_by",
            statutory_checks_signed(),
        )
        .get(pk=pk)
    )


@dataclass
class DisciplineGroup:
    discipline: Discipline
    assessments: list[Assessment] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return sum(1 for a in self.assessments if not a.verdict)


def assessments_by_discipline(
    review: Review, assessments: list[Assessment] | None = None
) -> list[DisciplineGroup]:
    """The review's slots (or those given of them) by discipline, prefetched; a
    discipline with statutory checks but no slot gets its own, empty group after
    the others."""
    groups: dict[int, DisciplineGroup] = {}
    if assessments is None:
        assessments = list(review.assessments.all())
    for assessment in assessments:
        group = groups.setdefault(
            assessment.discipline_id, DisciplineGroup(assessment.discipline)
        )
        group.assessments.append(assessment)
    for check in review.statutory_checks.all():
        groups.setdefault(check.discipline_id, DisciplineGroup(check.discipline))
    return list(groups.values())


@dataclass(frozen=True)
class VerifiedSignature:
    signature: Signature
    check: signing.SignatureCheck


def record_signatures(review: Review) -> list[VerifiedSignature]:
    """Each signature of the review's decision, recomputed and linked into the chain.
    One query for the predecessors' hashes. Whether today's records still equal the
    signed content is the record's own comparison (record.py), made once per page."""
    decision = getattr(review, "decision", None)
    if decision is None:
        return []
    signatures = list(decision.signatures.all())
    if not signatures:
        return []
    predecessors = dict(
        Signature.objects.filter(
            signature_hash__in=[s.previous_hash for s in signatures]
        ).values_list("signature_hash", "pk")
    )
    # The predecessor of the chain's first record is the genesis hash; any other
    # previous_hash must name an existing, earlier record.
    first_pk = Signature.objects.order_by("pk").values_list("pk", flat=True).first()
    result = []
    for signature in signatures:
        check = signing.signature_check(signature, None)
        if signature.pk == first_pk:
            linked = signature.previous_hash == signing.GENESIS_HASH
        else:
            linked = predecessors.get(signature.previous_hash, signature.pk) < (
                signature.pk
            )
        # An unkeyed link is legitimate only before the first keyed one; the
        # query runs only for the rare unkeyed signature.
        keying_ok = check.keyed or not (
            Signature.objects.filter(pk__lt=signature.pk)
            .exclude(key_id=LEGACY_KEY_ID)
            .exists()
        )
        check = replace(check, link_ok=linked, keying_ok=keying_ok)
        result.append(VerifiedSignature(signature=signature, check=check))
    return result


def signatures_in_chain_order() -> Iterator[Signature]:
    return Signature.objects.order_by("pk").iterator(chunk_size=500)


def unsigned_decisions() -> list[Decision]:
    """Decisions whose signature is gone (at most five, oldest first): every
    decision is signed in the transaction that makes it."""
    signed = Signature.objects.filter(decision=OuterRef("pk"))
    return list(
        Decision.objects.filter(~Exists(signed))
        .select_related("review__order", "review__requirement_set")
        .order_by("pk")[:5]
    )


def _unsigned_failures() -> list[str]:
    return [
        f"decision #{decision.pk} ({decision.review.order.number} rev. "
        f"{decision.review.requirement_set.number}, {decision.outcome}) has no "
        "signature: its signature was removed from the database"
        for decision in unsigned_decisions()
    ]


def _held_hashes(ids: list[int]) -> dict[int, str]:
    held: dict[int, str] = {}
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        held.update(
            Signature.objects.filter(pk__in=chunk).values_list("pk", "signature_hash")
        )
    return held


def heads_log_check(
    path: Path | None, chain_head_pk: int | None
) -> tuple[list[str], str]:
    """Compare every head in the log at path (default: the configured one) with
    the chain: (failures, a note saying what was checked)."""
    explicit = path is not None
    path = path or heads.heads_log_path()
    if not path.exists():
        if explicit:
            return [f"the heads log {path} does not exist"], ""
        return [], f"No heads log at {path} yet: chain heads not compared."
    try:
        logged = heads.heads_read(path)
    except heads.HeadsLogError as error:
        return [f"the heads log is unreadable: {error}"], ""
    held = _held_hashes(sorted({head.signature_id for head in logged}))
    problems = heads.heads_problems(logged, held, chain_head_pk)
    return problems, f"Heads log {path}: {len(logged)} head(s) compared."


def state_failures() -> list[str]:
    """Order, revision and review states that no signed decision backs: a status
    written around the services (an order flipped to accepted, a revision marked
    decided without a decision) is as much a forgery as an altered signature."""
    failures = [
        approval.rules_unmet_failure(d)
        if d.rules_unmet
        else f"decision #{d.pk} ({d.review.order.number} rev. "
        f"{d.review.requirement_set.number}) says {d.outcome}, but its review is "
        f"{d.review.state} and its revision {d.review.requirement_set.state}"
        for d in Decision.objects.select_related(
            "review__order", "review__requirement_set"
        )
        # A decision made final although no signature satisfied the approval
        # rules is flagged with the rest, in the same query.
        .annotate(rules_unmet=approval.rules_unmet())
        .exclude(
            Q(review__state=Review.State.DECIDED, rules_unmet=False)
            & (
                Q(
                    outcome=Decision.Outcome.ACCEPT,
                    review__requirement_set__state="accepted",
                )
                | Q(
                    outcome=Decision.Outcome.REJECT,
                    review__requirement_set__state="rejected",
                )
            )
        )
        .exclude(approval.awaiting_approvers())
    ]
    failures += [
        f"{r.order.number} rev. {r.number} is {r.state} without a signed decision"
        for r in RequirementSet.objects.select_related("order")
        .filter(state__in=["accepted", "rejected"])
        .filter(Q(review__isnull=True) | Q(review__decision__isnull=True))
    ]
    failures += [
        f"order {number} is accepted, but no revision of it was accepted"
        for number in Order.objects.filter(status=Order.Status.ACCEPTED)
        .exclude(revisions__state="accepted")
        .values_list("number", flat=True)
    ]
    failures += [
        f"order {number} is rejected, but a revision of it was accepted"
        for number in Order.objects.filter(status=Order.Status.REJECTED)
        .filter(revisions__state="accepted")
        .distinct()
        .values_list("number", flat=True)
    ]
    return failures


def chain_report(heads_log: Path | None = None) -> signing.ChainReport:
    """The chain recomputed, decisions without a signature, states no signed
    decision backs, and the heads kept outside the database (heads_log, or the
    configured log if it exists)."""
    report = signing.chain_verify(signatures_in_chain_order())
    problems, note = heads_log_check(heads_log, report.head_pk)
    return report.with_failures(
        *_unsigned_failures(), *state_failures(), *problems, note=note
    )


def head_lookup(head_hash: str) -> Signature | None:
    return (
        Signature.objects.select_related("decision__review__order")
        .filter(signature_hash=head_hash.strip().lower())
        .first()
    )


def signatures_after(pk: int) -> int:
    return Signature.objects.filter(pk__gt=pk).count()


def chain_head() -> Signature | None:
    return Signature.objects.order_by("-pk").first()


def record_chain_failures(
    review: Review, signatures: list[VerifiedSignature]
) -> list[str]:
    """What the order's record must warn about beyond each signature's check: its
    decision without a signature, a chain shorter than the newest logged head."""
    failures = []
    if getattr(review, "decision", None) is not None and not signatures:
        failures.append(
            "This decision has no signature: it was removed from the database."
        )
    path = heads.heads_log_path()
    if path.exists():
        try:
            newest = heads.last_head(path)
        except heads.HeadsLogError as error:
            return [*failures, f"The chain heads log is unreadable: {error}"]
        if newest is not None:
            held = _held_hashes([newest.signature_id])
            head_pk = None
            if not held:
                head = chain_head()
                head_pk = head.pk if head else None
            problems = heads.heads_problems([newest], held, head_pk)
            failures += [f"Signature chain check failed: {p}." for p in problems]
    return failures


def latest_signatures(limit: int = 50) -> list[Signature]:
    return list(
        Signature.objects.select_related(
            "decision__review__order", "decision__review__requirement_set"
        ).order_by("-pk")[:limit]
    )


def is_overdue(review: Review) -> bool:
    return review.state == Review.State.OPEN and review.due_date < timezone.localdate()
