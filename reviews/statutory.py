"""Statutory and regulatory checks of a review (ISO 9001 8.2.2 a 1).

checks_open()      when a review opens, the register entries that apply to the
                   order's form are frozen into one check each
check_record()     a reviewer of the entry's discipline confirms it (optimistic lock
                   on version, as assessment_record)
checks_blockers()  why acceptance must wait: a check pending or "cannot comply"

A change order's review carries a confirmation forward from the review that
accepted the baseline while the register entry is unchanged (same version and
discipline); an entry changed since, or new, is confirmed afresh.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from orderreview import roles
from orderreview.history import attribute
from orderreview.models import User
from orders.models import Order, OrderFormVersion
from orders.regulations import selectors as regulation_selectors
from orders.services import order_status_set
from reviews.models import Review, StatutoryCheck

STATES_NEEDING_NOTE = {
    StatutoryCheck.State.NOT_APPLICABLE: "Say why it does not apply to this order.",
    StatutoryCheck.State.CANNOT_COMPLY: "Say why we cannot comply with it.",
}
CONFIRMED_STATES = (
    StatutoryCheck.State.COMPLIES,
    StatutoryCheck.State.NOT_APPLICABLE,
    StatutoryCheck.State.CANNOT_COMPLY,
)


def checks_open(
    *, review: Review, baseline: Review | None, user: User | None
) -> list[StatutoryCheck]:
    """Freeze the active register entries that apply to the order now into the
    review's checks; carry a confirmation of baseline (the review that accepted
    the order's last agreed revision) forward while its entry is unchanged."""
    form_id = (
        OrderFormVersion.objects.filter(orders=review.order_id)
        .values_list("form_id", flat=True)
        .get()
    )
    earlier = (
        {
            check.requirement_id: check
            for check in baseline.statutory_checks.select_related("checked_by")
        }
        if baseline is not None
        else {}
    )
    checks = []
    for entry in regulation_selectors.applicable_to_form(form_id):
        check = StatutoryCheck(
            review=review,
            requirement=entry,
            reference=entry.reference,
            title=entry.title,
            requirement_version=entry.version,
            discipline=entry.discipline,
        )
        old = earlier.get(entry.pk)
        reason = "Opened with the review"
        if (
            old is not None
            and old.state != StatutoryCheck.State.PENDING
            and old.requirement_version == entry.version
            and old.discipline_id == entry.discipline_id
        ):
            check.state, check.note = old.state, old.note
            check.checked_by_id, check.checked_at = old.checked_by_id, old.checked_at
            check.carried_from = old
            who = old.checked_by.printed_name if old.checked_by else "someone"
            reason = f"Carried forward: {old.get_state_display().lower()}, by {who}"
        attribute(check, user=user, reason=reason)
        check.save()
        checks.append(check)
    return checks


def check_is_confirmable_by(check: StatutoryCheck, user: User) -> bool:
    """Reviewers confirm only the checks of disciplines they hold."""
    if not roles.has_role(user, *roles.REVIEWING):
        return False
    return check.discipline.members.filter(pk=user.pk).exists()


class CheckConflict(ValidationError):
    """Someone else saved the check since the form was loaded."""

    def __init__(self, current: StatutoryCheck) -> None:
        who = current.checked_by.printed_name if current.checked_by else "someone"
        super().__init__(
            f"{who} saved this check while you were editing it: "
            f"“{current.get_state_display()}”. Your change was not saved; check the "
            "newer value and save again if yours should replace it.",
            code="conflict",
        )
        self.current = current


def check_record(
    *, check: StatutoryCheck, user: User, state: str, note: str, version: int
) -> StatutoryCheck:
    """Record whether the order complies with one statutory requirement.

    version is the one the reviewer's form was loaded with: a save since raises
    CheckConflict and nothing is overwritten."""
    note = note.strip()
    if state not in CONFIRMED_STATES:
        raise ValidationError({"state": "Choose whether it complies."})
    if state in STATES_NEEDING_NOTE and not note:
        raise ValidationError({"note": STATES_NEEDING_NOTE[state]})
    with transaction.atomic():
        # The order row first, as decision_sign takes it (see assessment_record).
        order = Order.objects.select_for_update().get(
            pk=Review.objects.values("order_id").filter(pk=check.review_id)[:1]
        )
        current = (
            StatutoryCheck.objects.select_for_update(of=("self",))
            .select_related("review", "discipline", "checked_by")
            .get(pk=check.pk)
        )
        if current.review.state != Review.State.OPEN:
            raise ValidationError(
                "This review is closed: its checks can no longer be changed."
            )
        if not current.discipline.members.filter(pk=user.pk).exists():
            raise ValidationError(
                f"Only {current.discipline} reviewers can confirm this requirement."
            )
        if current.version != version:
            raise CheckConflict(current)
        current.state, current.note = state, note
        current.checked_by, current.checked_at = user, timezone.now()
        # A fresh confirmation replaces one carried forward.
        current.carried_from = None
        current.version += 1
        attribute(current, user=user)
        current.save()
        if order.status == Order.Status.AWAITING_REVIEW:
            order_status_set(
                order=order,
                status=Order.Status.IN_REVIEW,
                user=user,
                reason="Review started",
            )
    return current


def checks_pending(review: Review) -> int:
    """How many of the review's checks (prefetched) nobody has answered yet."""
    return sum(
        1
        for check in review.statutory_checks.all()
        if check.state == StatutoryCheck.State.PENDING
    )


def checks_blockers(review: Review) -> list[str]:
    """Why the order cannot be accepted yet because of its statutory checks."""
    checks = list(review.statutory_checks.all())
    pending = checks_pending(review)
    cannot = sum(1 for c in checks if c.state == StatutoryCheck.State.CANNOT_COMPLY)
    problems = []
    if pending:
        problems.append(
            f"{pending} statutory or regulatory requirement(s) are not confirmed "
            "yet: each must be confirmed before the order can be accepted."
        )
    if cannot:
        problems.append(
            f"{cannot} statutory or regulatory requirement(s) cannot be complied "
            "with: the order cannot be accepted (reject it, or change the order)."
        )
    return problems


def checks_by_discipline(review: Review) -> dict[int, list[StatutoryCheck]]:
    """The review's checks (prefetched) by discipline id, in reference order."""
    grouped: dict[int, list[StatutoryCheck]] = {}
    for check in review.statutory_checks.all():
        grouped.setdefault(check.discipline_id, []).append(check)
    return grouped
