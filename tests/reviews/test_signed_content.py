"""What is signed is what a person read, and the record shows what was signed.

Issue 13 items 2, 3 and 10: one display function for values (units, Yes/No, file
name and SHA-256) on every page, the PDF, notices and the signed content; the
database refuses changes to submitted revisions; the sign page signs what it
showed; the record shows the signed values and tells legitimate edits from
tampering.
"""

import datetime
import hashlib
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from communications.models import OutboundNotice
from orderreview import roles
from orders.models import Channel, Order, Question
from requirements import services as req_services
from requirements.models import Requirement, RequirementSet
from reviews import services, signing
from reviews.models import Assessment, Signature
from tests import factories
from tests.conftest import _user_with_role
from tests.factories import TEST_PASSWORD
from tests.reviews.test_integrity import tamper
from tests.signing_form import seen

pytestmark = pytest.mark.django_db

DRAWING = b"%PDF-1.4 a drawing\n"
DRAWING_SHA = hashlib.sha256(DRAWING).hexdigest()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def unit_version(engineering, commercial):
    """Published: a length in mm, a yes/no and a drawing (file)."""
    version = factories.OrderFormVersionFactory(
        form=factories.OrderFormFactory(name="Brackets", slug="brackets")
    )
    q = factories.QuestionFactory
    q(
        version=version,
        key="length",
        label="Length",
        kind=Question.Kind.DECIMAL,
        unit="mm",
        position=1,
        discipline=engineering,
    )
    q(
        version=version,
        key="certified",
        label="Material certificate",
        kind=Question.Kind.YES_NO,
        position=2,
        discipline=commercial,
    )
    q(
        version=version,
        key="drawing",
        label="Drawing",
        kind=Question.Kind.FILE,
        allowed_file_types="pdf",
        position=3,
        discipline=engineering,
    )
    return factories.publish_version(version)


@pytest.fixture
def team(reviewer, approver, engineering, commercial):
    return {engineering.pk: reviewer, commercial.pk: approver}


@pytest.fixture
def assessor(db, engineering, commercial):
    return _user_with_role(
        "assessor", roles.REVIEWER, disciplines=(engineering, commercial)
    )


def _submitted(version, user) -> RequirementSet:
    draft = req_services.intake_start(
        user=user,
        form_version=version,
        channel=Channel.PHONE,
        documented_statement=True,  # the customer followed up with a written order
        customer=factories.CustomerFactory(name="Acme Brackets", account_code="ACME"),
        answers={
            "length": "12",
            "certified": True,
            "drawing": SimpleUploadedFile(
                "bracket.pdf", DRAWING, content_type="application/pdf"
            ),
        },
    )
    return req_services.revision_submit(revision=draft, user=user)


def _assess_all(review, user, verdict="can_meet", note=""):
    for slot in review.assessments.filter(verdict=""):
        services.assessment_record(
            assessment=slot, user=user, verdict=verdict, note=note, version=slot.version
        )


def _sign(review, signer, outcome="accept", reasons=""):
    return services.decision_sign(
        review=review,
        signer=signer,
        outcome=outcome,
        reasons=reasons,
        password=TEST_PASSWORD,
    )


@pytest.fixture
def accepted(media, unit_version, service_user, assessor, approver):
    revision = _submitted(unit_version, service_user)
    _assess_all(revision.review, assessor)
    _sign(revision.review, approver)
    return revision


def _record(client, user, revision, pdf=False):
    client.force_login(user)
    name = "reviews:acceptance_record_pdf" if pdf else "reviews:acceptance_record"
    return client.get(reverse(name, args=[revision.order.number, revision.number]))


def _pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


# --- item 2: one display function, everywhere -------------------------------------


def test_a_decimal_with_unit_reads_12_mm_on_the_review_page_record_pdf_and_signature(
    client, accepted, reviewer
):
    client.force_login(reviewer)
    review_page = client.get(
        reverse("reviews:review_detail", args=[accepted.review.pk])
    ).content.decode()
    record_page = _record(client, reviewer, accepted).content.decode()
    pdf_text = _pdf_text(_record(client, reviewer, accepted, pdf=True))
    content = Signature.objects.get().content
    assert "12 mm" in review_page
    assert "<td data-value>12 mm</td>" in record_page
    assert "Length: 12 mm" in pdf_text
    length = next(r for r in content["requirements"] if r["key"] == "length")
    assert length["display"] == "12 mm"


def test_yes_no_reads_yes_and_a_file_its_name_and_sha256_never_its_path(
    client, accepted, reviewer
):
    content = Signature.objects.get().content
    shown = {r["key"]: r["display"] for r in content["requirements"]}
    assert shown["certified"] == "Yes"
    assert shown["drawing"] == f"bracket.pdf (SHA-256 {DRAWING_SHA})"
    page = _record(client, reviewer, accepted).content.decode()
    assert "uploads/" not in page.replace(
        reverse(
            "orders:requirement_file",
            args=[accepted.order.number, accepted.requirements.get(key="drawing").pk],
        ),
        "",
    )
    assert DRAWING_SHA in page


def test_the_as_of_page_shows_yes_and_the_unit_not_true_and_the_bare_number(
    client, accepted, auditor
):
    client.force_login(auditor)
    moment = timezone.localtime() + datetime.timedelta(seconds=1)
    with time_machine.travel(moment + datetime.timedelta(seconds=2)):
        page = client.get(
            reverse("audit:order_as_of", args=[accepted.order.number]),
            {"at": moment.strftime("%Y-%m-%dT%H:%M:%S")},
        ).content.decode()
    assert "12 mm" in page
    assert ">Yes<" in page
    assert ">True<" not in page
    assert "uploads/" not in page


def test_the_acceptance_notice_shows_the_unit_and_yes(accepted):
    notice = OutboundNotice.objects.get(order=accepted.order, kind="acceptance")
    assert "Length: 12 mm" in notice.body
    assert "Material certificate: Yes" in notice.body
    assert "uploads/" not in notice.body


def test_a_file_answer_is_a_download_link_on_the_review_page(
    client, media, unit_version, service_user, reviewer
):
    revision = _submitted(unit_version, service_user)
    drawing = revision.requirements.get(key="drawing")
    url = reverse("orders:requirement_file", args=[revision.order.number, drawing.pk])
    client.force_login(reviewer)
    page = client.get(
        reverse("reviews:review_detail", args=[revision.review.pk])
    ).content.decode()
    assert f'<a href="{url}">bracket.pdf (SHA-256 {DRAWING_SHA})</a>' in page
    assert b"".join(client.get(url).streaming_content) == DRAWING


def test_signatures_record_their_content_format_and_old_ones_still_verify(
    accepted, approver
):
    signature = Signature.objects.get()
    assert signature.content_format == 3 == signature.content["format"]
    review = accepted.review
    old = signing.review_content(review, review.decision, content_format=1)
    assert "format" not in old
    assert "display" not in old["requirements"][0]
    call_command("verify_signatures", stdout=io.StringIO())


# --- item 3: submitted revisions are frozen by the database -----------------------


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE requirements_requirement SET value = '\"500\"' WHERE id = %(req)s",
        "UPDATE requirements_requirement SET statement = 'x' WHERE id = %(req)s",
        "DELETE FROM requirements_requirement WHERE id = %(req)s",
        "INSERT INTO requirements_requirement (requirement_set_id, key, statement, "
        "value, category, discipline_id, source, position) SELECT requirement_set_id,"
        " 'extra', 'x', 'null', category, discipline_id, source, 99 FROM "
        "requirements_requirement WHERE id = %(req)s",
        "UPDATE requirements_requirementset SET reason = 'x' WHERE id = %(rev)s",
        "UPDATE requirements_requirementset SET state = 'submitted' WHERE id = %(rev)s",
        "DELETE FROM requirements_requirementset WHERE id = %(rev)s",
        "UPDATE orders_order SET channel = 'edi' WHERE id = %(order)s",
        "UPDATE orders_order SET number = 'SO-X' WHERE id = %(order)s",
        "UPDATE orders_order SET customer_id = customer_id + 1 WHERE id = %(order)s",
    ],
)
def test_the_database_refuses_changes_to_a_signed_revision(accepted, sql):
    ids = {
        "req": accepted.requirements.get(key="length").pk,
        "rev": accepted.pk,
        "order": accepted.order_id,
    }
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, ids)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE orders_order SET requested_date = '2030-01-01' WHERE id = %s",
        "UPDATE orders_order SET customer_reference = 'PO-FORGED' WHERE id = %s",
    ],
)
def test_a_header_date_or_reference_changed_without_history_fails_verification(
    accepted, sql
):
    # A change order's mapped answers may move these two (with a history row), so
    # the database lets them change; a change that no history explains is tampering.
    with connection.cursor() as cursor:
        cursor.execute(sql, [accepted.order_id])
    with pytest.raises(CommandError, match=accepted.order.number):
        call_command("verify_signatures", stdout=io.StringIO())


def test_the_legitimate_transitions_still_pass(accepted):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE orders_order SET status = 'accepted', confirmation_method = 'x' "
            "WHERE id = %s",
            [accepted.order_id],
        )
        cursor.execute(
            "UPDATE orders_customer SET name = 'Acme Ltd' WHERE id = %s",
            [accepted.order.customer_id],
        )
    assert Order.objects.get(pk=accepted.order_id).confirmation_method == "x"


def test_a_submitted_revision_may_only_be_decided_or_superseded(
    media, unit_version, service_user
):
    revision = _submitted(unit_version, service_user)
    for state in ("accepted", "rejected", "superseded"):
        with transaction.atomic():
            RequirementSet.objects.filter(pk=revision.pk).update(state=state)
            transaction.set_rollback(True)
    with pytest.raises(IntegrityError), transaction.atomic():
        RequirementSet.objects.filter(pk=revision.pk).update(state="draft")


def _tamper_value(revision):
    tamper(
        "UPDATE requirements_requirement SET value = '\"500\"' WHERE id = %s",
        [revision.requirements.get(key="length").pk],
        table="requirements_requirement",
        trigger="requirements_requirement_frozen",
    )


def test_verify_signatures_recomputes_content_and_names_the_tampered_record(
    accepted,
):
    _tamper_value(accepted)
    with pytest.raises(CommandError) as error:
        call_command("verify_signatures", stdout=io.StringIO())
    message = str(error.value)
    assert f"{accepted.order.number} rev. 1" in message
    assert "Length" in message and "12 mm" in message and "500 mm" in message


def test_the_verify_page_names_the_tampered_record(client, accepted, auditor):
    _tamper_value(accepted)
    client.force_login(auditor)
    page = client.get(reverse("reviews:signatures_verify")).content.decode()
    assert f"{accepted.order.number} rev. 1" in page
    assert "no history explains it" in page


def test_the_pdf_never_says_verified_over_tampered_rows(client, accepted, reviewer):
    _tamper_value(accepted)
    text = _pdf_text(_record(client, reviewer, accepted, pdf=True))
    assert "Verification: verified" not in text
    assert "Verification: FAILED" in text
    assert "Length: 12 mm" in text  # the signed value
    assert "“500 mm” now" in text


# --- item 10: sign what was seen; show what was signed ------------------------------


def test_a_verdict_changed_after_the_sign_page_opened_refuses_the_signature(
    client, media, unit_version, service_user, assessor, approver
):
    revision = _submitted(unit_version, service_user)
    _assess_all(revision.review, assessor)
    client.force_login(approver)
    url = reverse("reviews:decision_sign", args=[revision.review.pk])
    shown = seen(revision.review)
    assert shown["content_hash"] in client.get(url).content.decode()
    slot = revision.review.assessments.get(requirement__key="length")
    services.assessment_record(
        assessment=slot,
        user=assessor,
        verdict=Assessment.Verdict.CONDITIONS,
        note="Only with a 2 mm tolerance",
        version=slot.version,
    )
    response = client.post(
        url,
        {"outcome": "accept", "reasons": "", "password": TEST_PASSWORD, **shown},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "changed after this page was opened" in page
    # The difference reads as the approver knows it, not as stored codes.
    assert "“Can meet” → “Can meet with conditions”" in page
    assert "“can_meet” → “conditions”" not in page
    assert "Only with a 2 mm tolerance" in page
    assert not Signature.objects.exists()
    # Signing again from the refreshed page signs what it now shows.
    response = client.post(
        url,
        {
            "outcome": "accept",
            "reasons": "",
            "password": TEST_PASSWORD,
            **seen(revision.review),
        },
    )
    assert response.status_code == 302
    assessments = Signature.objects.get().content["assessments"]
    assert "conditions" in [a["verdict"] for a in assessments]


def test_the_service_refuses_a_stale_content_hash(
    media, unit_version, service_user, assessor, approver
):
    revision = _submitted(unit_version, service_user)
    _assess_all(revision.review, assessor)
    with pytest.raises(services.SignedContentChanged):
        services.decision_sign(
            review=revision.review,
            signer=approver,
            outcome="accept",
            reasons="",
            password=TEST_PASSWORD,
            seen_content_hash="0" * 64,
        )
    assert not Signature.objects.exists()


def test_a_sign_post_without_the_content_hash_is_refused(
    client, media, unit_version, service_user, assessor, approver
):
    revision = _submitted(unit_version, service_user)
    _assess_all(revision.review, assessor)
    client.force_login(approver)
    response = client.post(
        reverse("reviews:decision_sign", args=[revision.review.pk]),
        {"outcome": "accept", "reasons": "", "password": TEST_PASSWORD},
    )
    assert response.status_code == 200
    assert "does not say what you were shown" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_renamed_customer_is_a_legitimate_change_not_tampering(
    client, accepted, reviewer, service_user
):
    customer = accepted.order.customer
    customer.name = "Acme Holdings"
    customer._history_user = service_user
    customer.save()
    page = _record(client, reviewer, accepted).content.decode()
    assert 'data-field="customer">Acme Brackets (ACME)' in page
    assert 'data-changes="legitimate"' in page
    assert "“Acme Brackets” when signed, “Acme Holdings” now" in page
    assert 'data-changes="tampered"' not in page
    assert 'data-verification="ok"' in page
    call_command("verify_signatures", stdout=io.StringIO())


def test_a_renamed_assessor_is_a_legitimate_change_not_tampering(
    client, accepted, reviewer, assessor
):
    assessor.first_name, assessor.last_name = "Ann", "Other"
    assessor._history_user = assessor
    assessor.save()
    page = _record(client, reviewer, accepted).content.decode()
    assert 'data-changes="legitimate"' in page
    assert "Ann Other (assessor)" in page
    assert 'data-changes="tampered"' not in page
    call_command("verify_signatures", stdout=io.StringIO())


def test_a_customer_renamed_without_history_is_tampering(client, accepted, reviewer):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE orders_customer SET name = 'Someone Else' WHERE id = %s",
            [accepted.order.customer_id],
        )
    page = _record(client, reviewer, accepted).content.decode()
    assert 'data-changes="tampered"' in page
    with pytest.raises(CommandError, match="Customer name"):
        call_command("verify_signatures", stdout=io.StringIO())


def test_the_content_covers_every_assessor_and_the_decider(
    media, unit_version, service_user, reviewer, approver, commercial
):
    second = _user_with_role("second", roles.REVIEWER, disciplines=(commercial,))
    revision = _submitted(unit_version, service_user)
    for slot in revision.review.assessments.select_related("discipline"):
        user = reviewer if slot.discipline.slug == "engineering" else second
        services.assessment_record(
            assessment=slot,
            user=user,
            verdict="can_meet",
            note="",
            version=slot.version,
        )
    _sign(revision.review, approver)
    content = Signature.objects.get().content
    assessors = {a["assessed_by"]["username"] for a in content["assessments"]}
    assert assessors == {reviewer.username, second.username}
    assert all(a["assessed_at"] for a in content["assessments"])
    assert content["decision"]["decided_by"] == {
        "username": approver.username,
        "printed_name": approver.printed_name,
    }
    assert content["decision"]["decided_at"]


def test_a_reviewer_added_requirement_on_a_submitted_revision_is_refused(accepted):
    with pytest.raises((IntegrityError, ValidationError)), transaction.atomic():
        Requirement.objects.create(
            requirement_set=accepted,
            key="late",
            statement="Added after signing",
            category="stated",
            discipline=accepted.requirements.first().discipline,
            source=Requirement.Source.REVIEWER,
        )


# --- 13.9: the PDF prints every character or marks it visibly -----------------------


def test_the_pdf_prints_chinese_symbols_and_marks_what_no_font_draws(
    client, media, unit_version, service_user, assessor, approver, reviewer
):
    revision = _submitted(unit_version, service_user)
    for slot in revision.review.assessments.all():
        services.assessment_record(
            assessment=slot,
            user=assessor,
            verdict="conditions",
            note="张伟 confirms ≥ 12 mm 😀 🧠",
            version=slot.version,
        )
    _sign(revision.review, approver)
    text = _pdf_text(_record(client, reviewer, revision, pdf=True))
    assert "张伟 confirms ≥ 12 mm 😀" in text
    assert "[U+1F9E0]" in text  # no shipped font draws it: marked, not dropped
    assert "?" not in text.replace("??", "")
