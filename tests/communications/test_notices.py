"""Domain events produce the right notices, which are sent, logged and retried."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from communications import outbound, services
from communications.models import Communication, NoticeTemplate, OutboundNotice
from communications.tasks import send_notice
from orderreview import events
from tests import factories
from tests.communications.conftest import make_decision, make_review

FAILING = "tests.communications.email_backends.FailingBackend"
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

pytestmark = pytest.mark.django_db


def submit(revision, capture):
    """Send revision_submitted inside a transaction, as requirements.services does."""
    with capture(execute=True), transaction.atomic():
        events.revision_submitted.send(sender=None, revision=revision)


def decide(review, decision, capture):
    with capture(execute=True), transaction.atomic():
        events.review_decided.send(sender=None, review=review, decision=decision)


def test_submitting_revision_one_sends_an_acknowledgement(
    revision, django_capture_on_commit_callbacks
):
    submit(revision, django_capture_on_commit_callbacks)

    notice = OutboundNotice.objects.get()
    assert notice.kind == "acknowledgement"
    assert notice.status == "sent"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["buyer@acme.example"]
    order_number = revision.order.number
    assert message.subject == f"We have received your order {order_number}"
    assert "Dear Jo Buyer" in message.body
    assert "(your reference PO-7781)" in message.body
    assert f"registered it as {order_number}" in message.body


def test_the_notice_is_queued_but_not_sent_until_the_transaction_commits(
    revision, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            events.revision_submitted.send(sender=None, revision=revision)
        assert OutboundNotice.objects.get().status == "queued"
        assert mail.outbox == []

    # One send task for the notice; staff e-mail adds its own (staffmail).
    sends = [c for c in callbacks if getattr(c, "func", None) is outbound._enqueue]
    assert len(sends) == 1


def test_a_rolled_back_submission_leaves_no_notice(
    revision, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                events.revision_submitted.send(sender=None, revision=revision)
                raise RuntimeError("the submission failed after the signal")
        except RuntimeError:
            pass

    assert OutboundNotice.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


def test_a_sent_notice_is_logged_as_an_outbound_communication(
    revision, django_capture_on_commit_callbacks
):
    submit(revision, django_capture_on_commit_callbacks)

    notice = OutboundNotice.objects.select_related("communication").get()
    logged = notice.communication
    assert logged.direction == "out"
    assert logged.channel == "email"
    assert logged.kind == "order_acknowledgement"
    assert logged.order == revision.order
    assert logged.customer == revision.order.customer
    assert logged.subject == notice.subject
    assert notice.body in logged.body
    assert logged.recorded_by is None


def test_a_later_revision_is_not_acknowledged_again(
    order, engineering, django_capture_on_commit_callbacks
):
    second = factories.RequirementSetFactory(order=order, number=2, state="submitted")

    submit(second, django_capture_on_commit_callbacks)

    assert OutboundNotice.objects.count() == 0
    assert mail.outbox == []


def test_the_same_event_twice_queues_one_notice(
    revision, django_capture_on_commit_callbacks
):
    submit(revision, django_capture_on_commit_callbacks)
    submit(revision, django_capture_on_commit_callbacks)

    assert OutboundNotice.objects.count() == 1
    assert len(mail.outbox) == 1


def test_acceptance_lists_the_accepted_requirements_and_their_conditions(
    revision, approver, django_capture_on_commit_callbacks
):
    review = make_review(revision, conditions="Delivery in two batches.")
    decision = make_decision(review, approver, outcome="accept")

    decide(review, decision, django_capture_on_commit_callbacks)

    notice = OutboundNotice.objects.get()
    assert notice.kind == "acceptance"
    message = mail.outbox[0]
    assert message.subject == f"Order {revision.order.number} accepted"
    assert "- Material: Stainless 316L" in message.body
    assert "- Quantity: 250" in message.body
    assert "Conditions:" in message.body
    assert "- Material (Engineering): Delivery in two batches." in message.body
    assert Communication.objects.get().kind == "decision_notice"


def test_acceptance_without_conditions_has_no_conditions_section(
    revision, approver, django_capture_on_commit_callbacks
):
    review = make_review(revision)
    decide(
        review,
        make_decision(review, approver, outcome="accept"),
        django_capture_on_commit_callbacks,
    )

    assert "Conditions:" not in mail.outbox[0].body


def test_rejection_gives_the_reasons(
    revision, approver, django_capture_on_commit_callbacks
):
    review = make_review(revision)
    decision = make_decision(
        review, approver, outcome="reject", reasons="Titanium is beyond our machines."
    )

    decide(review, decision, django_capture_on_commit_callbacks)

    notice = OutboundNotice.objects.get()
    assert notice.kind == "rejection"
    message = mail.outbox[0]
    assert "cannot accept it" in message.subject
    assert "Titanium is beyond our machines." in message.body
    assert "Stainless 316L" not in message.body


def test_a_decision_on_a_change_sends_a_change_notice(
    order, approver, engineering, django_capture_on_commit_callbacks
):
    change = factories.RequirementSetFactory(
        order=order, number=2, state="submitted", reason="Quantity raised to 300"
    )
    factories.RequirementFactory(
        requirement_set=change, statement="Quantity", value=300
    )
    review = make_review(change)
    decide(
        review,
        make_decision(review, approver, outcome="accept"),
        django_capture_on_commit_callbacks,
    )

    notice = OutboundNotice.objects.get()
    assert notice.kind == "change"
    assert notice.revision_number == 2
    message = mail.outbox[0]
    assert message.subject == f"Change 2 to order {order.number}: accepted"
    assert "(revision 2): Quantity raised to 300" in message.body
    assert "- Quantity: 300" in message.body
    assert Communication.objects.get().kind == "change_notice"


def test_a_rejected_change_notice_gives_the_reasons(
    order, approver, engineering, django_capture_on_commit_callbacks
):
    change = factories.RequirementSetFactory(order=order, number=2, state="submitted")
    factories.RequirementFactory(requirement_set=change)
    review = make_review(change)
    decide(
        review,
        make_decision(review, approver, outcome="reject", reasons="No capacity."),
        django_capture_on_commit_callbacks,
    )

    message = mail.outbox[0]
    assert message.subject.endswith(": not accepted")
    assert "We cannot accept the change, for these reasons:\n\nNo capacity." in (
        message.body
    )


def test_an_edited_template_is_used_for_the_next_notice(
    revision, form_admin, django_capture_on_commit_callbacks
):
    template = NoticeTemplate.objects.get(kind="acknowledgement")
    services.notice_template_save(
        template=template,
        subject="Thanks for {{ order_number }}",
        body="Hello {{ customer_name }}",
        user=form_admin,
    )

    submit(revision, django_capture_on_commit_callbacks)

    assert mail.outbox[0].subject == f"Thanks for {revision.order.number}"
    assert mail.outbox[0].body == "Hello Acme Precision Ltd"


def test_a_broken_template_cannot_be_saved(form_admin):
    template = NoticeTemplate.objects.get(kind="acknowledgement")

    with pytest.raises(ValidationError) as error:
        services.notice_template_save(
            template=template,
            subject="{{ order_number|no_such_filter }}",
            body="{% if %}",
            user=form_admin,
        )

    assert "Invalid filter: 'no_such_filter'" in error.value.message_dict["subject"][0]
    assert "if tag" in error.value.message_dict["body"][0]
    template.refresh_from_db()
    assert template.subject == "We have received your order {{ order_number }}"


@pytest.mark.parametrize(
    "body",
    [
        "{% include 'base.html' %}",
        "{% load humanize %}{{ 3|intcomma }}",
        "{{ x|nope }}",
    ],
)
def test_templates_cannot_reach_beyond_their_context(form_admin, body):
    template = NoticeTemplate.objects.get(kind="rejection")

    with pytest.raises(ValidationError) as error:
        services.notice_template_save(
            template=template, subject="Subject", body=body, user=form_admin
        )

    assert "body" in error.value.message_dict


def test_a_customer_without_e_mail_gives_a_visible_failed_notice(
    engineering, django_capture_on_commit_callbacks
):
    order = factories.OrderFactory(customer__email="")
    revision = factories.RequirementSetFactory(order=order, state="submitted")

    submit(revision, django_capture_on_commit_callbacks)

    notice = OutboundNotice.objects.get()
    assert notice.status == "failed"
    assert notice.last_error == "The customer has no e-mail address."
    assert mail.outbox == []


# --- failures and retries ---------------------------------------------------------


def test_a_failing_mail_server_is_retried_with_growing_backoff(
    revision, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DB_TASKS
    settings.EMAIL_BACKEND = FAILING
    settings.NOTICE_MAX_ATTEMPTS = 4
    submit(revision, django_capture_on_commit_callbacks)
    notice = OutboundNotice.objects.get()
    first_task = DBTaskResult.objects.get()
    assert first_task.args_kwargs["args"] == [notice.pk, 0]

    delays = []
    for attempt in (1, 2):
        before = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            assert send_notice.call(notice.pk, attempt - 1) == "failed"
        notice.refresh_from_db()
        assert notice.status == "queued"
        assert notice.attempts == attempt
        assert "SMTPConnectError" in notice.last_error
        assert "mail.example.com is not answering" in notice.last_error
        retry = DBTaskResult.objects.order_by("-enqueued_at").first()
        assert retry.run_after == notice.next_attempt_at
        assert retry.args_kwargs["args"] == [notice.pk, attempt]
        delays.append(notice.next_attempt_at - before)

    # One minute after the first failure, two after the second.
    assert timedelta(seconds=59) < delays[0] <= timedelta(seconds=61)
    assert timedelta(seconds=119) < delays[1] <= timedelta(seconds=121)
    assert mail.outbox == []


def test_after_the_last_attempt_the_notice_stays_failed_with_its_error(
    revision, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING
    settings.NOTICE_MAX_ATTEMPTS = 3

    # The immediate test backend cannot defer, so the retries run at once.
    submit(revision, django_capture_on_commit_callbacks)

    notice = OutboundNotice.objects.get()
    assert notice.status == "failed"
    assert notice.attempts == 3
    assert notice.next_attempt_at is None
    assert "mail.example.com is not answering" in notice.last_error
    assert Communication.objects.count() == 0
    assert notice.history.count() >= 4  # queued, and one record per failed attempt


def test_retry_now_sends_a_failed_notice_once_the_server_is_back(
    revision, settings, service_user, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING
    settings.NOTICE_MAX_ATTEMPTS = 1
    submit(revision, django_capture_on_commit_callbacks)
    notice = OutboundNotice.objects.get()
    assert notice.status == "failed"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        outbound.notice_retry(notice=notice, user=service_user)

    notice.refresh_from_db()
    assert notice.status == "sent"
    assert notice.attempts == 2
    assert notice.last_error == ""
    assert len(mail.outbox) == 1


def test_a_stale_scheduled_retry_does_not_send_twice(
    revision, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DB_TASKS
    submit(revision, django_capture_on_commit_callbacks)
    notice = OutboundNotice.objects.get()

    assert send_notice.call(notice.pk, 0) == "sent"
    assert send_notice.call(notice.pk, 0) == "skipped"
    assert len(mail.outbox) == 1


def test_a_cancelled_notice_is_never_sent(
    revision, settings, service_user, django_capture_on_commit_callbacks
):
    settings.TASKS = DB_TASKS
    submit(revision, django_capture_on_commit_callbacks)
    notice = OutboundNotice.objects.get()

    outbound.notice_cancel(notice=notice, user=service_user)

    assert send_notice.call(notice.pk, 0) == "skipped"
    notice.refresh_from_db()
    assert notice.status == "cancelled"
    assert notice.cancelled_by == service_user
    assert mail.outbox == []


def test_a_sent_notice_can_be_neither_retried_nor_cancelled(
    revision, service_user, django_capture_on_commit_callbacks
):
    submit(revision, django_capture_on_commit_callbacks)
    notice = OutboundNotice.objects.get()

    with pytest.raises(ValidationError, match="sent notice cannot be retried"):
        outbound.notice_retry(notice=notice, user=service_user)
    with pytest.raises(ValidationError, match="sent notice cannot be cancelled"):
        outbound.notice_cancel(notice=notice, user=service_user)
