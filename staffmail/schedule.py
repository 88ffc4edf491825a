"""Periodic work, run by the worker's sweep (orderreview.tasks_sweep): reminders on
a review's due date, escalation when it is overdue, each person's daily digest, and
messages a dead worker left 'sending'.

Two workers may sweep at once: a transaction-level advisory lock lets one of them
do the work, and each reminder's unique dedupe_key makes a second one impossible
anyway. `now` is a parameter so that tests control the clock."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from orderreview.models import User
from reviews.models import Review
from staffmail import letters
from staffmail.kinds import Kind
from staffmail.models import REVIEW_CLOSED, MailPreferences, StaffMessage
from staffmail.recipients import escalation_recipients, pending_by_reviewer
from staffmail.services import Letter, message_queue, people_told

SCHEDULE_LOCK_KEY = 0x57AFF_3A11


def staffmail_sweep(
    *, older_than: timedelta | None = None, now: datetime | None = None
) -> str:
    now = now or timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SCHEDULE_LOCK_KEY])
            if not cursor.fetchone()[0]:
                return "staff mail: another worker is sweeping"
        reminders = reminders_queue(now)
        escalations = escalations_queue(now)
        digests = digests_queue(now)
        stuck = _sending_mark_failed(now, older_than)
    return (
        f"staff mail: {reminders} reminder(s), {escalations} escalation(s), "
        f"{digests} digest(s), {stuck} stuck message(s) marked failed"
    )


def _due_reviews(on_or_before):  # noqa: ANN001, ANN202
    return (
        Review.objects.filter(state=Review.State.OPEN, due_date__lte=on_or_before)
        .filter(assessments__verdict="")
        .distinct()
        .select_related("order__customer")
        .order_by("due_date", "pk")
    )


def reminders_queue(now: datetime) -> int:
    """On (or first sweep after) the due date, each reviewer with open slots, once."""
    today = timezone.localdate(now)
    count = 0
    for review in _due_reviews(today):
        pending = pending_by_reviewer(review)
        count += people_told(
            list(pending),
            lambda user, r=review, p=pending: letters.reminder(r, p[user], today),
            lambda user, r=review: f"reminder:{r.pk}:{r.due_date}:{user.pk}",
        )
    return count


def escalations_queue(now: datetime) -> int:
    """STAFF_MAIL_ESCALATE_AFTER_DAYS past the due date: the approvers, once."""
    today = timezone.localdate(now)
    late = today - timedelta(days=settings.STAFF_MAIL_ESCALATE_AFTER_DAYS)
    count = 0
    recipients = list(escalation_recipients())  # the same people for every review
    for review in _due_reviews(late):
        open_slots = review.assessments.filter(verdict="").count()
        count += people_told(
            recipients,
            lambda user, r=review, n=open_slots: letters.escalation(r, n, today),
            lambda user, r=review: f"escalation:{r.pk}:{r.due_date}:{user.pk}",
        )
    return count


def digests_queue(now: datetime) -> int:
    """Each person whose digest hour has come today and who has held messages gets
    one digest of them, oldest first; the messages say which digest took them."""
    local = timezone.localtime(now)
    waiting = (
        StaffMessage.objects.filter(state=StaffMessage.State.HELD)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    hours = dict(
        MailPreferences.objects.filter(user_id__in=waiting).values_list(
            "user_id", "digest_hour"
        )
    )
    count = 0
    for user in User.objects.filter(pk__in=waiting, is_active=True).order_by("pk"):
        if local.hour < hours.get(user.pk, MailPreferences().digest_hour):
            continue
        count += _digest_queue(user, local.date())
    return count


def _digest_queue(user: User, day) -> int:  # noqa: ANN001 (date)
    held = list(
        StaffMessage.objects.select_for_update(of=("self",))
        .filter(recipient=user, state=StaffMessage.State.HELD)
        .select_related("review")
        .order_by("created_at", "pk")
    )
    # A held reminder whose review was decided since is no longer true.
    current = [
        m for m in held if m.review is None or m.review.state == Review.State.OPEN
    ]
    for message in held:
        if message not in current:
            message.state = StaffMessage.State.SKIPPED
            message.skipped_because = REVIEW_CLOSED
            message.save(update_fields=["state", "skipped_because"])
    if not current:
        return 0
    lines = [f"{len(current)} thing(s) wait on you, oldest first:", ""]
    for message in current:
        lines += [message.subject, message.body, ""]
    digest = message_queue(
        recipient=user,
        letter=Letter(
            kind=Kind.DIGEST,
            subject=f"Your daily digest: {len(current)} thing(s) wait on you",
            lines=lines,
            link="/",
        ),
        dedupe_key=f"digest:{user.pk}:{day}",
    )
    if digest is None:
        return 0
    for message in current:
        message.state = StaffMessage.State.IN_DIGEST
        message.digest = digest
        message.save(update_fields=["state", "digest"])
    return 1


def _sending_mark_failed(now: datetime, older_than: timedelta | None) -> int:
    """A message 'sending' since before the cutoff belongs to a dead worker: it may
    or may not have gone out, so it is marked failed rather than sent twice."""
    cutoff = now - (older_than or timedelta(seconds=settings.TASK_STUCK_AFTER_SECONDS))
    return StaffMessage.objects.filter(
        state=StaffMessage.State.SENDING, sending_started_at__lt=cutoff
    ).update(
        state=StaffMessage.State.FAILED,
        last_error="The worker stopped while sending: it may or may not have gone out.",
    )
