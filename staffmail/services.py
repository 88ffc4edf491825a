"""Queue an e-mail to a person, as their preferences say: at once, in their daily
digest, or not at all. Called inside the transaction of what they are told about;
the worker sends once it is committed (staffmail.sending)."""

from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from orderreview.models import User
from orders.models import Order
from reviews.models import Review
from staffmail.kinds import Mode
from staffmail.models import MailPreferences, StaffMessage

SUBJECT_PREFIX = "[OrderReview] "


@dataclass(frozen=True)
class Letter:
    """One message to write: the subject names only the order number and customer
    name; the body says what waits and carries the direct link."""

    kind: str
    subject: str
    lines: list[str]
    link: str
    order: Order | None = None
    review: Review | None = None


def site_link(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def preferences_of(user: User) -> MailPreferences:
    found = MailPreferences.objects.filter(user=user).first()
    return found or MailPreferences(user=user)


def message_queue(
    *, recipient: User, letter: Letter, dedupe_key: str
) -> StaffMessage | None:
    """The message to recipient unless one with dedupe_key exists (then None): two
    workers, or an event seen twice, tell a person once."""
    mode = preferences_of(recipient).mode(letter.kind)
    state = {
        Mode.IMMEDIATELY: StaffMessage.State.QUEUED,
        Mode.DIGEST: StaffMessage.State.HELD,
        Mode.OFF: StaffMessage.State.SKIPPED,
    }[mode]
    body = "\n".join([*letter.lines, "", f"Open it: {site_link(letter.link)}"])
    message = StaffMessage(
        recipient=recipient,
        kind=letter.kind,
        dedupe_key=dedupe_key[:200],
        order=letter.order,
        review=letter.review,
        # One line: a customer's name with a line break must not become a header.
        subject=(SUBJECT_PREFIX + " ".join(letter.subject.split()))[:250],
        body=body[:20000],
        state=state,
        skipped_because="turned off in their preferences" if mode == Mode.OFF else "",
        created_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return None
    if state == StaffMessage.State.QUEUED:
        transaction.on_commit(partial(enqueue, message.pk, 0))
    return message


def enqueue(message_id: int, attempts: int, run_after=None) -> None:  # noqa: ANN001
    from staffmail.tasks import send_staff_message

    task = send_staff_message
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    task.enqueue(message_id, attempts)


def people_told(recipients, letter_for, key_for) -> int:  # noqa: ANN001
    """Queue letter_for(user) to each active recipient with an e-mail address,
    once per key_for(user); how many were new."""
    count = 0
    for user in recipients:
        if not user.is_active or not user.email:
            continue
        if message_queue(
            recipient=user, letter=letter_for(user), dedupe_key=key_for(user)
        ):
            count += 1
    return count


@transaction.atomic
def preferences_save(
    *, user: User, modes: dict[str, str], digest_hour: int
) -> MailPreferences:
    """A person's own choices; kinds the site makes mandatory are never off."""
    for kind in settings.STAFF_MAIL_MANDATORY:
        if modes.get(kind) == Mode.OFF:
            modes[kind] = Mode.IMMEDIATELY
    found, _ = MailPreferences.objects.select_for_update().get_or_create(user=user)
    found.modes = {k: v for k, v in modes.items() if v in Mode.values}
    found.digest_hour = digest_hour
    found.full_clean()
    found.save()
    return found
