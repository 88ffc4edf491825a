"""Signed records cannot change, and any change made behind the triggers' back is
found by verify_signatures and the verification pages."""

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from reviews import services, signing
from reviews.models import Assessment, Signature
from tests.factories import TEST_PASSWORD
from tests.reviews.conftest import slot, submit_revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(assessed_review, approver):
    services.decision_sign(
        review=assessed_review,
        signer=approver,
        outcome="accept",
        reasons="",
        password=TEST_PASSWORD,
    )
    return Signature.objects.get()


def raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def tamper(
    sql: str,
    params: list,
    *,
    table: str = "reviews_signature",
    trigger: str = "reviews_signature_append_only",
) -> None:
    """Change a row with its guarding trigger switched off for a moment, as
    someone with direct database access (the owner) could."""
    # Django's foreign keys are deferred: run their pending checks first, since
    # PostgreSQL refuses ALTER TABLE on a table with pending trigger events.
    raw("SET CONSTRAINTS ALL IMMEDIATE", [])
    raw(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}", [])
    try:
        raw(sql, params)
    finally:
        raw(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}", [])


def test_raw_sql_cannot_update_a_signature(signed):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw(
            "UPDATE reviews_signature SET meaning = 'Forged' WHERE id = %s", [signed.pk]
        )
    signed.refresh_from_db()
    assert signed.meaning == "Approved: capability confirmed"


def test_raw_sql_cannot_delete_a_signature(signed):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw("DELETE FROM reviews_signature WHERE id = %s", [signed.pk])
    assert Signature.objects.filter(pk=signed.pk).exists()


def test_raw_sql_cannot_change_a_decision(signed):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw(
            "UPDATE reviews_decision SET outcome = 'reject', reasons = 'x' "
            "WHERE id = %s",
            [signed.decision_id],
        )


def test_assessments_of_a_decided_review_are_frozen(signed, assessed_review, reviewer):
    frozen = assessed_review.assessments.first()
    with pytest.raises(IntegrityError, match="decided review"), transaction.atomic():
        raw(
            "UPDATE reviews_assessment SET verdict = 'cannot_meet', note = 'x' "
            "WHERE id = %s",
            [frozen.pk],
        )
    with pytest.raises(IntegrityError, match="decided review"), transaction.atomic():
        raw("DELETE FROM reviews_assessment WHERE id = %s", [frozen.pk])
    frozen.note = "edited through the ORM"
    with pytest.raises(IntegrityError, match="decided review"), transaction.atomic():
        frozen.save()
    assert Assessment.objects.get(pk=frozen.pk).note == ""


def test_service_refuses_to_assess_a_decided_review(
    signed, assessed_review, reviewer, engineering
):
    closed = slot(assessed_review, engineering)
    with pytest.raises(Exception, match="review is closed"):
        services.assessment_record(
            assessment=closed,
            user=reviewer,
            verdict="cannot_meet",
            note="late",
            version=closed.version,
        )


def test_verify_signatures_reports_an_intact_chain_and_its_head(signed, capsys):
    call_command("verify_signatures")
    out = capsys.readouterr().out
    assert "intact: 1 signature(s)" in out
    assert signed.signature_hash in out


def test_verify_signatures_on_an_empty_chain_prints_the_genesis_head(db, capsys):
    call_command("verify_signatures")
    assert signing.GENESIS_HASH in capsys.readouterr().out


def test_verify_signatures_names_the_first_tampered_record(
    signed, approver, engineering
):
    later = submit_revision(engineering)
    services.decision_sign(
        review=later,
        signer=approver,
        outcome="reject",
        reasons="No capacity",
        password=TEST_PASSWORD,
    )
    tamper(
        "UPDATE reviews_signature SET printed_name = 'Someone Else' WHERE id = %s",
        [signed.pk],
    )

    with pytest.raises(CommandError) as error:
        call_command("verify_signatures")

    assert f"BROKEN at signature #{signed.pk}" in str(error.value)
    assert "signature fields" in str(error.value)


def test_verify_signatures_catches_rewritten_content(signed):
    content = signed.content
    content["decision"]["outcome"] = "reject"
    tamper(
        "UPDATE reviews_signature SET content = %s::jsonb WHERE id = %s",
        [signing.canonical_json(content), signed.pk],
    )
    with pytest.raises(CommandError, match="signed content does not match"):
        call_command("verify_signatures")


def test_verify_signatures_catches_a_removed_record(signed, approver, engineering):
    later = submit_revision(engineering)
    services.decision_sign(
        review=later,
        signer=approver,
        outcome="reject",
        reasons="No capacity",
        password=TEST_PASSWORD,
    )
    last = Signature.objects.order_by("pk").last()
    tamper("DELETE FROM reviews_signature WHERE id = %s", [signed.pk])
    with pytest.raises(CommandError, match=f"#{last.pk}: it does not link"):
        call_command("verify_signatures")


def test_verification_page_shows_the_broken_record(client, signed, auditor):
    tamper("UPDATE reviews_signature SET meaning = 'Forged' WHERE id = %s", [signed.pk])
    client.force_login(auditor)
    response = client.get(reverse("reviews:signatures_verify"))
    assert response.status_code == 200
    assert f"BROKEN at signature #{signed.pk}" in response.content.decode()


def test_acceptance_record_shows_a_tampered_signature_as_failed(
    client, signed, assessed_review, approver
):
    tamper(
        "UPDATE reviews_signature SET signed_at = signed_at - interval '1 day' "
        "WHERE id = %s",
        [signed.pk],
    )
    client.force_login(approver)
    order = assessed_review.order
    response = client.get(reverse("reviews:acceptance_record", args=[order.number, 1]))
    page = response.content.decode()
    assert 'data-verification="broken"' in page
    assert "signature fields do not match" in page


def test_acceptance_record_shows_signed_values_and_fails_when_rows_were_tampered(
    client, signed, assessed_review, approver
):
    requirement = assessed_review.requirement_set.requirements.first()
    signed_value = requirement.value
    # The database refuses this; only its owner, with the trigger off, gets past.
    tamper(
        "UPDATE requirements_requirement SET value = '\"something else\"' "
        "WHERE id = %s",
        [requirement.pk],
        table="requirements_requirement",
        trigger="requirements_requirement_frozen",
    )
    client.force_login(approver)
    order = assessed_review.order
    response = client.get(reverse("reviews:acceptance_record", args=[order.number, 1]))
    page = response.content.decode()
    # The hashes still hold, but the record is not reported as verified: the rows
    # differ from what was signed and no history explains it.
    assert 'data-verification="ok"' not in page
    assert 'data-verification="broken"' in page
    assert 'data-changes="tampered"' in page
    assert "no history explains it" in page
    # The table shows the signed value, not the tampered one.
    assert f"<td data-value>{signed_value}</td>" in page
    assert "<td data-value>something else</td>" not in page
