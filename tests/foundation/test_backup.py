"""make backup / make restore: a round trip through pg_dump and pg_restore."""

import json
from datetime import timedelta
from types import SimpleNamespace

import psycopg2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from audit.models import Disposal
from audit.registry import history_model, tracked_models
from communications import catalog_claims as claim_services
from communications import customer_property as property_services
from communications import services as comm_services
from orderreview.models import FormSubmission
from orders import services as order_services
from orders.models import Channel, FormSection
from requirements import change_orders, confirmations
from requirements import services as req_services
from requirements.models import (
    AwarenessRule,
    QuoteAcceptance,
    QuoteDifference,
    QuoteLink,
)
from reviews import services as review_services
from reviews import signing
from reviews.models import ApprovalRule, Review
from tests import factories
from tests.factories import TEST_PASSWORD
from tests.hardening.conftest import submitted
from tests.reviews.conftest import submit_revision
from webhooks import services as webhook_services
from webhooks.models import WebhookAttempt

RESTORED = "orderreview_restore_roundtrip"


@pytest.fixture
def restored_database_name(transactional_db):
    yield RESTORED
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{RESTORED}" WITH (FORCE)')


def _connect(name: str):
    settings_dict = connection.settings_dict
    return psycopg2.connect(
        dbname=name,
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        options="-c TimeZone=UTC",
    )


def _history_fingerprints(cursor) -> dict[str, tuple[int, str]]:
    """Per history table: its row count and an MD5 over every row, in id order."""
    found = {}
    for model in tracked_models():
        table = history_model(model)._meta.db_table
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' "  # noqa: S608
            f"ORDER BY t.history_id), '')) FROM \"{table}\" t"
        )
        found[table] = cursor.fetchone()
    return found


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """This test's uploads only: restore_db puts the files next to MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def accept(order, approver, condition: str = "") -> None:
    """Every assessment can meet (the first with condition, if given: the order then
    waits for the customer's agreement), then the approver signs: one more
    signature."""
    review = Review.objects.get(order=order)
    for index, slot in enumerate(
        review.assessments.select_related("discipline").order_by("pk")
    ):
        slot.discipline.members.add(approver)
        conditional = bool(condition) and index == 0
        review_services.assessment_record(
            assessment=slot,
            user=approver,
            verdict="conditions" if conditional else "can_meet",
            note=condition if conditional else "",
            version=slot.version,
        )
    review_services.decision_sign(
        review=review,
        signer=approver,
        outcome="accept",
        reasons="",
        password=TEST_PASSWORD,
    )


def _signed_orders(count: int, *, intake_version, customer, service_user, approver):
    """Orders accepted through the real services: signatures in one chain."""
    for index in range(count):
        order = submitted(intake_version, customer, service_user)
        # The first waits for the customer's agreement to a condition.
        accept(order, approver, "Delivery in March" if index == 0 else "")
    # A change order on the last accepted one: its owner is notified.
    change = change_orders.change_order_start(
        order=order,
        user=service_user,
        reason="Quantity doubled",
        channel=Channel.PHONE,
        requested_by="Buyer",
    )
    req_services.revision_answers_save(
        revision=change,
        user=service_user,
        answers={**change.answers, "quantity": 500},
    )
    change = req_services.revision_submit(revision=change, user=service_user)
    # Given by phone: the customer's confirmation, with the call on file.
    call = comm_services.communication_record(
        customer=order.customer,
        order=order,
        direction="in",
        channel="phone",
        kind="other",
        subject="Quantity read back",
        occurred_at=timezone.now(),
        recorded_by=service_user,
    )
    confirmations.confirmation_record(
        revision=change,
        user=service_user,
        method="Read back by phone",
        confirmed_at=timezone.now(),
        communication=call,
    )


def _one_of_everything_else(*, intake_version, customer, service_user) -> None:
    """Rows in the history tables the signed orders leave empty."""
    revision = req_services.intake_start(
        user=service_user,
        form_version=intake_version,
        channel=Channel.EMAIL,
        customer=customer,
    )
    order_services.portal_link_create(order=revision.order, user=service_user)
    # A repeating section (the lines of an order), on a draft form of its own.
    lines_draft = factories.OrderFormVersionFactory()
    factories.QuestionFactory(version=lines_draft, key="part", section="Lines")
    FormSection.objects.create(version=lines_draft, name="Lines")
    feedback = comm_services.communication_record(
        customer=customer,
        order=revision.order,
        direction="in",
        channel="email",
        kind="feedback",
        subject="Thanks",
        occurred_at=timezone.now(),
        recorded_by=service_user,
        attachment=SimpleUploadedFile("note.txt", b"all good"),
    )
    comm_services.offering_save(
        name="Machined parts",
        description="",
        order_form=intake_version.form,
        active=True,
        position=1,
    )
    comm_services.notice_template_save(
        template=comm_services.notice_template_for("acknowledgement"),
        subject="We received {{ order_number }}",
        body="Thank you.",
        user=service_user,
    )
    factories.OutboundNoticeFactory(order=revision.order)
    FormSubmission.objects.create(token="t" * 32, result_url="/orders/")
    claim = claim_services.claim_save(
        claim=None,
        offering=None,
        statement="ISO 9001:2015 certified",
        valid_until=timezone.localdate() + timedelta(days=365),
        evidence=SimpleUploadedFile("certificate.pdf", b"%PDF-1.4\n%%EOF\n"),
        user=service_user,
    )
    claim_services.claim_withdraw(claim=claim, user=service_user)
    property_services.property_receive(
        customer=customer,
        order=revision.order,
        kind="tooling",
        description="Drill jig",
        received_on=timezone.localdate(),
        condition_on_receipt="Good",
        location="Store",
        user=service_user,
    )
    # Disciplines are seeded by a migration (no history): record one change.
    discipline = factories.discipline("quality")
    discipline.name = "Quality assurance"
    discipline.save()
    AwarenessRule.objects.create(name="Purchasing", discipline=discipline)
    # An order's difference from a quote (saved directly: no quote here).
    QuoteDifference.objects.create(
        revision=revision,
        key="quantity",
        change="changed",
        statement="Quantity",
        quote_value="250",
        order_value="400",
        discipline=discipline,
    )
    # A quote's customer link and an acceptance through it (saved directly: no
    # reviewed quote here).
    link = QuoteLink.objects.create(
        quote=revision.order,
        token_hash="a" * 64,
        token_start="aaaaaa",
        created_by=service_user,
        expires_at=timezone.now() + timedelta(days=30),
    )
    QuoteAcceptance.objects.create(
        quote=revision.order,
        revision=revision,
        link=link,
        accepted_by_name="Jo Buyer",
        accepted_at=timezone.now(),
    )
    # A statutory requirement that applies to every form, and the check a review
    # opened after it freezes.
    factories.StatutoryRequirementFactory(all_forms=True, discipline=discipline)
    submit_revision(discipline)
    # A webhook endpoint, a delivery and the log of one attempt to send it.
    endpoint = webhook_services.endpoint_save(
        endpoint=None,
        user=service_user,
        url="https://hooks.example.com/orderreview",
        description="ERP",
        events=["order.submitted"],
        customer=None,
        active=True,
    )
    delivery = webhook_services.ping_queue(endpoint=endpoint, user=service_user)
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=1,
        started_at=timezone.now(),
        status_code=200,
        response_ms=12,
        succeeded=True,
    )
    # An approval rule (it applies to none of the orders signed above).
    ApprovalRule.objects.create(
        name="Export orders",
        conditions=[{"kind": "answer_yes", "question": "no-such-question"}],
    )
    # A disposal asked for (saved directly: nothing here is past retention).
    Disposal.objects.create(
        record_type=Disposal.RecordType.COMPLAINT,
        communication=feedback,
        record_label=f"Complaint #{feedback.pk}",
        retention_rule="Feedback and complaints: kept 10 years",
        reason="Retention period over.",
        requested_by=service_user,
        requested_at=timezone.now(),
    )


SIGNATURE_FIELDS = [
    "id",
    "decision_id",
    "signer_id",
    "printed_name",
    "meaning",
    "signed_at",
    "content",
    "content_hash",
    "previous_hash",
    "signature_hash",
    "key_id",
]
# JSON as text: the two drivers in play decode jsonb differently.
SIGNATURES_SQL = (
    "SELECT "
    + ", ".join("content::text" if f == "content" else f for f in SIGNATURE_FIELDS)
    + " FROM reviews_signature ORDER BY id"
)


def test_backup_then_restore_into_a_fresh_database_keeps_everything(
    tmp_path,
    restored_database_name,
    intake_version,
    customer,
    service_user,
    approver,
):
    _signed_orders(
        3,
        intake_version=intake_version,
        customer=customer,
        service_user=service_user,
        approver=approver,
    )
    _one_of_everything_else(
        intake_version=intake_version, customer=customer, service_user=service_user
    )
    requirement = factories.RequirementFactory()
    order = requirement.requirement_set.order
    order.customer_reference = "changed after creation"
    order.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM orders_historicalorder")
        history_rows = cursor.fetchone()[0]
        history = _history_fingerprints(cursor)
        cursor.execute(SIGNATURES_SQL)
        signatures = cursor.fetchall()
    assert len(signatures) == 3
    assert [t for t, (rows, _) in history.items() if not rows] == []
    dump = tmp_path / "backup.dump"

    call_command("backup_db", str(dump))
    call_command("restore_db", str(dump), database_name=restored_database_name)

    restored = _connect(restored_database_name)
    try:
        with restored.cursor() as cursor:
            cursor.execute(
                "SELECT customer_reference FROM orders_order WHERE number = %s",
                [order.number],
            )
            assert cursor.fetchall() == [("changed after creation",)]
            cursor.execute("SELECT count(*) FROM orders_order")
            assert cursor.fetchone()[0] == 6
            cursor.execute("SELECT count(*) FROM orders_historicalorder")
            assert cursor.fetchone()[0] == history_rows
            # Every history row of every history table, byte for byte.
            assert _history_fingerprints(cursor) == history
            cursor.execute(
                "SELECT statement FROM requirements_requirement WHERE id = %s",
                [requirement.pk],
            )
            assert cursor.fetchall() == [(requirement.statement,)]
            # Every signature, and the chain recomputed from the restored rows.
            cursor.execute(SIGNATURES_SQL)
            restored_signatures = cursor.fetchall()
            assert restored_signatures == signatures
            rows = [
                dict(zip(SIGNATURE_FIELDS, r, strict=True)) for r in restored_signatures
            ]
            report = signing.chain_verify(
                SimpleNamespace(
                    **{**row, "pk": row["id"], "content": json.loads(row["content"])}
                )
                for row in rows
            )
            assert report.ok, report.summary
            assert report.count == 3
            # The database rules travel with the data.
            cursor.execute("SELECT nextval('orders_order_number_seq')")
            assert cursor.fetchone()[0] > int(order.number[-6:])
    finally:
        restored.close()


def test_restore_refuses_to_overwrite_an_existing_database(tmp_path, db):
    from django.core.management.base import CommandError

    dump = tmp_path / "x.dump"
    dump.write_bytes(b"not used")
    with pytest.raises(CommandError, match="exists"):
        call_command(
            "restore_db", str(dump), database_name=connection.settings_dict["NAME"]
        )


def test_restore_needs_an_existing_file(tmp_path, db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore_db", str(tmp_path / "missing.dump"))
