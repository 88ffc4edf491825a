"""Disposal of records past retention (issue 21 part 5, ISO 9001 7.5.3.2 c/d): an
approved, recorded action, never silent, and signed records stay verifiable."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from audit import disposal as services
from audit.models import Disposal
from audit.restored_files import referenced_file_problems
from communications.models import Communication
from orders.models import Order
from tests.audit.conftest import DRAWING_SHA, LETTER_SHA

pytestmark = pytest.mark.django_db


def _request(record, user, record_type="orders") -> Disposal:
    return services.disposal_request(
        record_type=record_type,
        record_id=record.pk,
        reason="Retention period over; no claim open.",
        user=user,
    )


def _approved(record, keeper, second_keeper, record_type="orders") -> Disposal:
    disposal = _request(record, keeper, record_type)
    return services.disposal_approve(disposal=disposal, user=second_keeper)


def _drawing_path(order: Order) -> str:
    revision = order.revisions.get(number=1)
    return revision.requirements.get(key="drawing").value["path"]


# --- four eyes and refusals ---------------------------------------------------------


def test_whoever_asked_cannot_approve_their_own_disposal(
    retention_over, signed_order, keeper
):
    disposal = _request(signed_order, keeper)

    with pytest.raises(ValidationError, match="another records controller"):
        services.disposal_approve(disposal=disposal, user=keeper)
    disposal.refresh_from_db()
    assert disposal.state == Disposal.State.REQUESTED


def test_the_database_refuses_a_decision_by_the_requester_too(
    retention_over, signed_order, keeper
):
    disposal = _request(signed_order, keeper)
    disposal.state = Disposal.State.APPROVED
    disposal.decided_by = keeper
    disposal.decided_at = disposal.requested_at
    with pytest.raises(IntegrityError), transaction.atomic():
        disposal.save()


def test_only_records_controllers_ask_and_decide(
    retention_over, signed_order, auditor, approver, keeper
):
    with pytest.raises(ValidationError, match="records controller"):
        _request(signed_order, auditor)
    disposal = _request(signed_order, keeper)
    with pytest.raises(ValidationError, match="records controller"):
        services.disposal_approve(disposal=disposal, user=approver)


def test_a_record_still_within_its_period_is_refused(settings, signed_order, keeper):
    settings.RETENTION_YEARS = {"orders": 10, "communications": 6, "complaints": 10}

    with pytest.raises(ValidationError, match="not past its retention period"):
        _request(signed_order, keeper)
    assert not Disposal.objects.exists()


def test_an_order_under_an_open_review_is_refused(
    retention_over, media, drawing_version, service_user, keeper
):
    from requirements import services as req_services
    from tests import factories

    draft = req_services.intake_start(
        user=service_user,
        form_version=drawing_version,
        channel="email",
        documented_statement=True,
        customer=factories.CustomerFactory(),
        answers={"part": "BR-9"},
    )
    revision = req_services.revision_submit(revision=draft, user=service_user)

    with pytest.raises(ValidationError, match="open review"):
        _request(revision.order, keeper)


def test_a_disposal_is_refused_while_another_stands_and_after_it_was_done(
    retention_over,
    signed_order,
    keeper,
    second_keeper,
    django_capture_on_commit_callbacks,
):
    disposal = _approved(signed_order, keeper, second_keeper)
    with pytest.raises(ValidationError, match="already approved"):
        _request(signed_order, second_keeper)
    with django_capture_on_commit_callbacks(execute=True):
        services.disposal_execute(disposal=disposal, user=keeper)

    with pytest.raises(ValidationError, match="already disposed of"):
        _request(signed_order, second_keeper)
    with pytest.raises(ValidationError, match="Only an approved disposal"):
        services.disposal_execute(disposal=disposal, user=keeper)


def test_a_refused_request_keeps_the_record_and_needs_a_reason(
    retention_over, old_complaint, keeper, second_keeper
):
    disposal = _request(old_complaint, keeper, "complaints")
    with pytest.raises(ValidationError):
        services.disposal_refuse(disposal=disposal, user=second_keeper, reason=" ")

    services.disposal_refuse(
        disposal=disposal, user=second_keeper, reason="A claim is pending."
    )

    disposal.refresh_from_db()
    assert disposal.state == Disposal.State.REFUSED
    with pytest.raises(ValidationError, match="Only an approved disposal"):
        services.disposal_execute(disposal=disposal, user=keeper)
    old_complaint.refresh_from_db()
    assert "Jo Buyer" in old_complaint.body
    # Refused is not final for the record: it may be asked for again later.
    assert _request(old_complaint, second_keeper, "complaints").pk != disposal.pk


def test_a_record_of_the_wrong_type_is_refused(retention_over, old_complaint, keeper):
    # A complaint runs on the complaints' clock, not the communications' one.
    with pytest.raises(ValidationError, match="not past its retention period"):
        _request(old_complaint, keeper, "communications")


# --- carrying it out ----------------------------------------------------------------


def test_disposing_of_a_complaint_overwrites_its_text_removes_its_file_and_writes_the_tombstone(  # noqa: E501
    retention_over,
    old_complaint,
    keeper,
    second_keeper,
    django_capture_on_commit_callbacks,
):
    attachment = old_complaint.attachments.get()
    path = attachment.file.name
    disposal = _approved(old_complaint, keeper, second_keeper, "complaints")

    with django_capture_on_commit_callbacks(execute=True):
        services.disposal_execute(disposal=disposal, user=keeper)

    complaint = Communication.objects.get(pk=old_complaint.pk)
    assert "Jo Buyer" not in complaint.body
    assert "Jo Buyer" not in complaint.resolution
    assert f"disposal #{disposal.pk}" in complaint.body
    assert complaint.subject == "Scratched brackets"
    assert not default_storage.exists(path)
    disposal.refresh_from_db()
    assert disposal.state == Disposal.State.DISPOSED
    assert disposal.executed_by == keeper
    assert disposal.removed["files"] == [
        {
            "path": path,
            "named_by": f"attachment #{attachment.pk} (letter.pdf)",
            "recorded_sha256": "",
            "present": True,
            "sha256": LETTER_SHA,
            "size": attachment.size,
        }
    ]
    assert disposal.removed["rows"] == [
        {
            "model": "communications.communication",
            "pk": complaint.pk,
            "fields": ["body", "resolution"],
        }
    ]
    latest = complaint.history.order_by("-history_id").first()
    assert latest.history_user == keeper
    assert f"disposal #{disposal.pk}" in latest.history_change_reason


def test_disposing_of_an_order_removes_its_drawing_and_contact_and_keeps_what_was_signed(  # noqa: E501
    retention_over,
    signed_order,
    keeper,
    second_keeper,
    django_capture_on_commit_callbacks,
):
    path = _drawing_path(signed_order)
    assert default_storage.exists(path)
    disposal = _approved(signed_order, keeper, second_keeper)

    with django_capture_on_commit_callbacks(execute=True):
        services.disposal_execute(disposal=disposal, user=keeper)

    order = Order.objects.get(pk=signed_order.pk)
    assert order.contact_details == {} and order.contact_email == ""
    assert not default_storage.exists(path)
    drawing = order.revisions.get(number=1).requirements.get(key="drawing")
    assert drawing.value["sha256"] == DRAWING_SHA  # the signed row is untouched
    disposal.refresh_from_db()
    [removed] = disposal.removed["files"]
    assert removed["sha256"] == removed["recorded_sha256"] == DRAWING_SHA
    assert removed["present"] is True


def test_files_stay_until_the_disposal_commits(
    retention_over,
    signed_order,
    keeper,
    second_keeper,
    django_capture_on_commit_callbacks,
):
    path = _drawing_path(signed_order)
    disposal = _approved(signed_order, keeper, second_keeper)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.disposal_execute(disposal=disposal, user=keeper)
    assert default_storage.exists(path)
    assert len(callbacks) == 1


def test_a_restored_copy_does_not_report_a_disposed_file_as_missing(
    retention_over,
    signed_order,
    keeper,
    second_keeper,
    django_capture_on_commit_callbacks,
):
    disposal = _approved(signed_order, keeper, second_keeper)
    with django_capture_on_commit_callbacks(execute=True):
        services.disposal_execute(disposal=disposal, user=keeper)

    assert referenced_file_problems()[1] == []


# --- the tombstone is kept by the database ------------------------------------------


def _sql(statement: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_the_database_refuses_to_change_or_delete_a_carried_out_disposal(
    retention_over,
    old_complaint,
    keeper,
    second_keeper,
    django_capture_on_commit_callbacks,
):
    disposal = _approved(old_complaint, keeper, second_keeper, "complaints")
    with django_capture_on_commit_callbacks(execute=True):
        services.disposal_execute(disposal=disposal, user=keeper)

    for statement in (
        "UPDATE audit_disposal SET removed = '{}' WHERE id = %s",
        "UPDATE audit_disposal SET reason = 'nothing' WHERE id = %s",
        "UPDATE audit_disposal SET state = 'approved', executed_at = NULL "
        "WHERE id = %s",
        "DELETE FROM audit_disposal WHERE id = %s",
    ):
        with pytest.raises(IntegrityError, match="disposal"):
            _sql(statement, [disposal.pk])
    with connection.cursor() as cursor:
        # Pending deferred foreign key checks would block TRUNCATE for another
        # reason than the trigger under test.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(IntegrityError, match="disposals are kept"):
        _sql("TRUNCATE audit_disposal CASCADE", [])
    disposal.refresh_from_db()
    assert disposal.state == Disposal.State.DISPOSED


def test_the_database_refuses_to_rewrite_a_request_or_skip_its_approval(
    retention_over, old_complaint, keeper
):
    disposal = _request(old_complaint, keeper, "complaints")
    with pytest.raises(IntegrityError, match="what was asked"):
        _sql("UPDATE audit_disposal SET reason = 'other' WHERE id = %s", [disposal.pk])
    with pytest.raises(IntegrityError, match="not approved"):
        _sql(
            "UPDATE audit_disposal SET state = 'disposed', executed_at = now() "
            "WHERE id = %s",
            [disposal.pk],
        )


# --- signed records stay verifiable -------------------------------------------------


def test_verify_signatures_passes_after_disposal_and_names_it(
    retention_over,
    signed_order,
    keeper,
    second_keeper,
    django_capture_on_commit_callbacks,
):
    disposal = _approved(signed_order, keeper, second_keeper)
    with django_capture_on_commit_callbacks(execute=True):
        services.disposal_execute(disposal=disposal, user=keeper)
    out = io.StringIO()

    call_command("verify_signatures", stdout=out)

    text = out.getvalue()
    assert f"{signed_order.number}: disposed on " in text
    assert f"approved by {second_keeper.printed_name}" in text
    assert "every signed content matches today's records" in text
