"""People are told (issue 20): what waits on reviewers, approvers and customer
service reaches them by e-mail, once, with a direct link; reminders on the due date,
escalation after it, nothing once decided; preferences and digests; two workers
sweeping at once send each reminder once. The clock is a parameter (now=)."""

import threading
from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from communications.models import OutboundNotice
from orderreview import events
from requirements.models import RequirementSet
from reviews.models import Review
from reviews.services import decision_sign
from staffmail import schedule, sending
from staffmail.kinds import Kind, Mode
from staffmail.models import MailPreferences, StaffMessage
from tests import factories
from tests.changes.conftest import raise_change
from tests.factories import TEST_PASSWORD
from tests.reviews.conftest import assess, slot, submit_revision

pytestmark = pytest.mark.django_db

FAILING = "tests.communications.email_backends.FailingBackend"
DUE = date(2026, 12, 2)


def at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


@pytest.fixture
def opened(engineering, commercial, reviewer, approver, service_user, capture):
    """A review opened at 09:00 on 30 November, due two days later."""
    with capture(execute=True), transaction.atomic():
        review = submit_revision(engineering, commercial, entered_by=service_user)
    Review.objects.filter(pk=review.pk).update(due_date=DUE)
    review.refresh_from_db()
    return review


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def sweep(capture, day: date, hour: int = 9) -> str:
    with capture(execute=True):
        return schedule.staffmail_sweep(now=at(day, hour))


def test_a_review_opening_tells_each_reviewer_their_own_items_once(
    opened, reviewer, approver, capture
):
    (engineer_mail,) = to(reviewer)
    (commercial_mail,) = to(approver)
    order = opened.order

    assert engineer_mail.subject.startswith(f"[OrderReview] {order.number} (")
    assert order.customer.name in engineer_mail.subject
    engineering_item = slot(opened, reviewer.disciplines.get()).requirement.statement
    commercial_item = slot(opened, approver.disciplines.get()).requirement.statement
    assert engineering_item in engineer_mail.body
    assert commercial_item not in engineer_mail.body
    assert commercial_item in commercial_mail.body
    assert reverse("reviews:review_detail", args=[opened.pk]) in engineer_mail.body

    # The same event again tells nobody twice.
    with capture(execute=True), transaction.atomic():
        events.revision_submitted.send(
            sender=RequirementSet, revision=opened.requirement_set
        )
    assert len(to(reviewer)) == 1


def test_reminders_on_the_due_date_escalation_after_and_nothing_once_decided(
    opened, reviewer, approver, settings, capture
):
    settings.STAFF_MAIL_ESCALATE_AFTER_DAYS = 2
    mail.outbox.clear()
    assess(slot(opened, approver.disciplines.get()), approver)

    sweep(capture, DUE - timedelta(days=1))
    assert mail.outbox == []

    sweep(capture, DUE)
    (reminder,) = to(reviewer)
    assert "review due today" in reminder.subject
    assert to(approver) == []  # their own items are all assessed

    sweep(capture, DUE, hour=15)
    sweep(capture, DUE + timedelta(days=1))
    assert len(mail.outbox) == 1  # one reminder per person and due date

    sweep(capture, DUE + timedelta(days=2))
    (escalation,) = to(approver)
    assert "2 day(s) overdue" in escalation.subject
    assert "1 verdict(s) are still open" in escalation.body

    assess(slot(opened, reviewer.disciplines.get()), reviewer)
    with capture(execute=True):
        decision_sign(
            review=opened,
            signer=approver,
            outcome="accept",
            reasons="",
            password=TEST_PASSWORD,
        )
    mail.outbox.clear()
    Review.objects.filter(pk=opened.pk).update(due_date=DUE + timedelta(days=3))
    sweep(capture, DUE + timedelta(days=10))
    assert [
        m.subject for m in mail.outbox if "overdue" in m.subject or "due" in m.subject
    ] == []


def test_a_reminder_queued_before_the_decision_is_not_sent_after_it(
    opened, reviewer, approver
):
    """Queued by the sweep, the worker reaches it only after the decision."""
    mail.outbox.clear()
    schedule.reminders_queue(at(DUE))  # on_commit never runs: the task waits
    message = StaffMessage.objects.get(kind=Kind.REMINDER, recipient=reviewer)
    Review.objects.filter(pk=opened.pk).update(state=Review.State.DECIDED)

    assert sending.message_send(message_id=message.pk, expected_attempts=0) == "skipped"
    message.refresh_from_db()
    assert message.state == StaffMessage.State.SKIPPED
    assert mail.outbox == []


def test_approvers_hear_when_every_verdict_is_in_with_what_still_blocks(
    opened, reviewer, approver, capture
):
    RequirementSet.objects.filter(pk=opened.requirement_set_id)
    opened.order.documented_statement = False
    opened.order.save(update_fields=["documented_statement"])
    mail.outbox.clear()
    with capture(execute=True):
        assess(slot(opened, reviewer.disciplines.get()), reviewer)
    assert to(approver) == []  # Commercial is still open

    with capture(execute=True):
        assess(slot(opened, approver.disciplines.get()), approver)
    (ready,) = to(approver)
    assert "ready to sign" in ready.subject
    assert "cannot be accepted yet" in ready.body
    assert "confirmed with the customer" in ready.body
    assert reverse("reviews:decision_sign", args=[opened.pk]) in ready.body


def test_whoever_entered_the_order_hears_of_the_decision(
    opened, reviewer, approver, service_user, capture
):
    assess(slot(opened, reviewer.disciplines.get()), reviewer)
    assess(slot(opened, approver.disciplines.get()), approver)
    mail.outbox.clear()
    with capture(execute=True):
        decision_sign(
            review=opened,
            signer=approver,
            outcome="reject",
            reasons="No capacity in December",
            password=TEST_PASSWORD,
        )

    (told,) = to(service_user)
    assert told.subject.endswith(": rejected")
    assert "No capacity in December" in told.body
    assert opened.order.get_absolute_url() in told.body


def test_customer_service_hears_when_a_notice_fails_for_good(
    engineering, service_user, capture
):
    order = factories.OrderFactory(customer__email="")
    revision = factories.RequirementSetFactory(order=order, state="submitted")
    with capture(execute=True), transaction.atomic():
        events.revision_submitted.send(sender=RequirementSet, revision=revision)

    notice = OutboundNotice.objects.get(order=order)
    (told,) = to(service_user)
    assert "notice failed" in told.subject
    assert "The customer has no e-mail address." in told.body
    assert reverse("communications:notice_detail", args=[notice.pk]) in told.body


def test_preferences_off_and_digest_are_honoured_and_a_digest_groups_oldest_first(
    engineering, commercial, reviewer, approver, service_user, capture
):
    MailPreferences.objects.create(
        user=reviewer, modes={Kind.REVIEW_OPENED: Mode.DIGEST}, digest_hour=16
    )
    MailPreferences.objects.create(user=approver, modes={Kind.REVIEW_OPENED: Mode.OFF})
    with capture(execute=True), transaction.atomic():
        first = submit_revision(engineering, commercial, entered_by=service_user)
    with capture(execute=True), transaction.atomic():
        second = submit_revision(engineering, entered_by=service_user)

    assert to(reviewer) == [] and to(approver) == []
    assert StaffMessage.objects.get(recipient=approver).state == "skipped"
    today = timezone.localdate()
    sweep(capture, today, hour=15)
    assert to(reviewer) == []

    sweep(capture, today, hour=16)
    (digest,) = to(reviewer)
    assert "2 thing(s) wait on you" in digest.subject
    assert digest.body.index(first.order.number) < digest.body.index(
        second.order.number
    )
    sweep(capture, today, hour=17)
    assert len(to(reviewer)) == 1
    assert set(
        StaffMessage.objects.filter(
            recipient=reviewer, kind=Kind.REVIEW_OPENED
        ).values_list("state", flat=True)
    ) == {"in_digest"}


def test_a_mandatory_kind_cannot_be_turned_off(client, approver, settings):
    settings.STAFF_MAIL_MANDATORY = ["escalation"]
    client.force_login(approver)
    url = reverse("staffmail:preferences")
    page = client.get(url).content.decode()
    assert 'name="escalation" value="off"' not in page
    assert 'name="reminder" value="off"' in page

    data = {kind.value: "immediately" for kind in Kind if kind != Kind.DIGEST}
    response = client.post(url, {**data, "escalation": "off", "digest_hour": "7"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not MailPreferences.objects.filter(user=approver).exists()

    response = client.post(url, {**data, "reminder": "digest", "digest_hour": "7"})
    assert response.status_code == 302
    saved = MailPreferences.objects.get(user=approver)
    assert saved.mode("reminder") == "digest" and saved.digest_hour == 7


def test_the_preferences_page_keeps_its_query_count(
    client, approver, django_assert_max_num_queries
):
    for index in range(30):
        StaffMessage.objects.create(
            recipient=approver,
            kind=Kind.REMINDER,
            dedupe_key=f"test:{index}",
            subject=f"<b>subject {index}</b>",
            body="",
            created_at=timezone.now(),
        )
    client.force_login(approver)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("staffmail:preferences"))
    assert "&lt;b&gt;subject 29&lt;/b&gt;" in page.content.decode()


def test_a_failing_mail_server_is_retried_then_given_up(
    opened, reviewer, settings, capture
):
    settings.EMAIL_BACKEND = FAILING
    settings.STAFF_MAIL_MAX_ATTEMPTS = 2
    with capture(execute=True):
        schedule.reminders_queue(at(DUE))
    message = StaffMessage.objects.get(kind=Kind.REMINDER, recipient=reviewer)
    assert message.state == StaffMessage.State.FAILED
    assert message.attempts == 2
    assert "not answering" in message.last_error


@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_send_each_reminder_once(
    engineering, commercial, reviewer, approver, service_user
):
    review = submit_revision(engineering, commercial, entered_by=service_user)
    Review.objects.filter(pk=review.pk).update(due_date=DUE)
    mail.outbox.clear()
    start = threading.Barrier(2)
    results = []

    def worker() -> None:
        start.wait()
        try:
            results.append(schedule.staffmail_sweep(now=at(DUE)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    reminders = StaffMessage.objects.filter(kind=Kind.REMINDER)
    assert sorted(reminders.values_list("recipient__username", flat=True)) == [
        "approver",
        "engineer",
    ]
    assert len([m for m in mail.outbox if "review due today" in m.subject]) == 2
    assert len(results) == 2


def test_a_change_order_tells_its_reviewers_and_the_people_to_acknowledge_it(
    accepted_order, service_user, planner, capture
):
    """Production's quantity changes: the planner reviews it and is told of the
    change (with the link to acknowledge it); whoever entered the order too."""
    mail.outbox.clear()
    with capture(execute=True):
        revision = raise_change(accepted_order, service_user, {"quantity": 500})

    planner_mail = {m.subject.split(": ", 1)[1]: m for m in to(planner)}
    assert len(planner_mail) == 2
    review_mail = next(m for s, m in planner_mail.items() if s.startswith("change to"))
    assert "Revision 2 changes the order." in review_mail.body
    notification = revision.notifications.get(user=planner)
    acknowledge = next(
        m for s, m in planner_mail.items() if s.endswith("to acknowledge")
    )
    assert notification.get_absolute_url() in acknowledge.body
    assert "Why: Customer called" in acknowledge.body
    [owner_mail] = [m for m in to(service_user) if "acknowledge" in m.subject]
    assert accepted_order.number in owner_mail.subject


def test_a_line_break_in_a_customer_name_stays_out_of_the_headers(
    engineering, reviewer, service_user, capture
):
    with capture(execute=True), transaction.atomic():
        review = submit_revision(
            engineering,
            entered_by=service_user,
            customer__name="Acme\r\nBcc: everyone@example.com",
        )

    [told] = to(reviewer)
    assert "\n" not in told.subject and "\r" not in told.subject
    assert "Acme Bcc: everyone@example.com" in told.subject
    assert told.bcc == []
    assert review.order.number in told.subject
