"""The customer confirmation of a revision is signed (content format 3), shown on
the acceptance record and its PDF, and verified; signatures of formats 1 and 2
still verify as they were made."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from reviews import record, selectors, signing
from reviews.content_differences import content_differences
from reviews.models import Signature
from tests import factories
from tests.changes.confirming import phone_order, record_confirmation
from tests.changes.conftest import assess_all, sign, submitted_order
from tests.factories import TEST_PASSWORD
from tests.reviews.test_integrity import tamper
from tests.signing_form import seen

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed_and_accepted(change_version, service_user, team, approver):
    revision = phone_order(change_version, service_user)
    confirmation = record_confirmation(revision, service_user)
    assess_all(revision.review, team)
    sign(revision.review, approver)
    return revision, confirmation


def test_the_signature_covers_the_confirmation_and_verifies(
    confirmed_and_accepted, service_user
):
    revision, confirmation = confirmed_and_accepted
    signature = Signature.objects.get()
    assert signature.content_format == 3
    call = confirmation.communication
    assert signature.content["confirmation"] == {
        "method": "Read back by phone",
        "confirmed_at": confirmation.confirmed_at.isoformat(),
        "confirmed_by": {
            "username": service_user.username,
            "printed_name": service_user.printed_name,
        },
        "legacy": False,
        "communication": {
            "id": call.pk,
            "occurred_at": call.occurred_at.isoformat(),
            "subject": "Read back to Jo",
        },
        "attachment": None,
    }
    out = io.StringIO()
    call_command("verify_signatures", stdout=out)
    assert "intact" in out.getvalue()
    assert list(record.content_problems()) == []


def test_a_documented_revision_signs_a_null_confirmation(
    change_version, service_user, team, approver
):
    revision = submitted_order(change_version, service_user)
    assess_all(revision.review, team)
    sign(revision.review, approver)
    assert Signature.objects.get().content["confirmation"] is None


def test_the_record_and_its_pdf_say_how_the_customer_confirmed(
    client, confirmed_and_accepted, service_user, reviewer
):
    revision, confirmation = confirmed_and_accepted
    number = revision.order.number
    client.force_login(service_user)
    page = client.get(
        reverse("reviews:acceptance_record", args=[number, 1])
    ).content.decode()
    link = reverse(
        "communications:communication_detail", args=[confirmation.communication_id]
    )
    assert "Confirmed by Read back by phone on" in page
    assert f"by {service_user.printed_name}, see communication" in page
    assert f'<a href="{link}">Read back to Jo</a>' in page
    # Reviewers do not open communications: the subject, without a link.
    client.force_login(reviewer)
    page = client.get(
        reverse("reviews:acceptance_record", args=[number, 1])
    ).content.decode()
    assert "see communication “Read back to Jo”" in page
    assert link not in page
    response = client.get(reverse("reviews:acceptance_record_pdf", args=[number, 1]))
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(p.extract_text() for p in reader.pages).replace("\n", " ")
    assert "Customer's statement: Confirmed by Read back by phone on" in text
    assert "see communication “Read back to Jo”" in text


def test_a_confirmation_changed_behind_the_signature_is_reported(
    confirmed_and_accepted,
):
    _, confirmation = confirmed_and_accepted
    tamper(
        "UPDATE requirements_revisionconfirmation SET method = 'E-mail' WHERE id = %s",
        [confirmation.pk],
        table="requirements_revisionconfirmation",
        trigger="requirements_confirmation_frozen",
    )
    problems = list(record.content_problems())
    assert [c.difference.label for p in problems for c in p.changes] == [
        "Customer confirmation: how"
    ]
    assert problems[0].changes[0].difference.after == "E-mail"


def test_a_confirmation_recorded_while_the_approver_reads_stops_the_signature(
    client, change_version, service_user, team, approver
):
    revision = phone_order(change_version, service_user)
    assess_all(revision.review, team)
    opened = seen(revision.review)
    record_confirmation(revision, service_user)
    client.force_login(approver)
    response = client.post(
        reverse("reviews:decision_sign", args=[revision.review.pk]),
        {"outcome": "accept", "reasons": "", "password": TEST_PASSWORD, **opened},
    )
    assert response.status_code == 200
    labels = [change.label for change in response.context["changes"]]
    assert "Customer confirmation: how" in labels
    assert not Signature.objects.exists()


def test_a_format_2_signature_made_before_still_verifies(
    confirmed_and_accepted, client, auditor
):
    """As signed before format 3: the same review's format 2 content, hashed and
    linked as the signing service did then (under the current chain key)."""
    revision, _ = confirmed_and_accepted
    signature = Signature.objects.get()
    review = selectors.review_for_content(revision.review.pk)
    content = signing.review_content(review, review.decision, content_format=2)
    fields = signing.new_signature_fields(
        decision_id=signature.decision_id,
        outcome="accept",
        signer=signature.signer,
        signed_at=signature.signed_at,
        content=content,
        previous_hash=signature.previous_hash,
    )
    tamper(
        "UPDATE reviews_signature SET content = %s::jsonb, content_hash = %s, "
        "signature_hash = %s, content_format = 2 WHERE id = %s",
        [
            signing.canonical_json(content),
            fields["content_hash"],
            fields["signature_hash"],
            signature.pk,
        ],
    )
    out = io.StringIO()
    call_command("verify_signatures", stdout=out)
    assert "intact" in out.getvalue()
    assert list(record.content_problems()) == []
    client.force_login(auditor)
    page = client.get(
        reverse("reviews:acceptance_record", args=[revision.order.number, 1])
    ).content.decode()
    assert 'data-verification="ok"' in page
    # Format 2 does not carry it: shown from today's records, and said so.
    assert "Confirmed by Read back by phone" in page
    assert "Read from today's records" in page


def test_content_differences_name_the_confirmation_in_words():
    before = {"format": 3, "confirmation": None}
    after = {
        "format": 3,
        "confirmation": {
            "method": "Phone",
            "confirmed_at": "2026-03-01T10:00:00+00:00",
            "confirmed_by": {"username": "sam", "printed_name": "Sam Service"},
            "legacy": False,
            "communication": {
                "id": 7,
                "occurred_at": "2026-03-01T09:58:00+00:00",
                "subject": "Read back",
            },
            "attachment": None,
        },
    }
    found = [(d.label, d.before, d.after) for d in content_differences(before, after)]
    assert found == [
        ("Documented statement", "Yes", "No"),
        ("Customer confirmation: how", "—", "Phone"),
        ("Customer confirmation: when", "—", "2026-03-01T10:00:00+00:00"),
        ("Customer confirmation: confirmed by", "—", "Sam Service (sam)"),
        (
            "Customer confirmation: communication",
            "—",
            "“Read back” of 2026-03-01T09:58:00+00:00 (#7)",
        ),
    ]
    assert content_differences(after, after) == []


def test_what_was_typed_is_shown_as_text_on_the_order_record_and_sign_pages(
    client, change_version, service_user, approver, team
):
    revision = phone_order(change_version, service_user)
    hostile = "<b>{{ request.user.password }}</b>{% now 'Y' %}"
    call = factories.CommunicationFactory(
        customer=revision.order.customer, order=revision.order, subject=hostile
    )
    record_confirmation(revision, service_user, method=hostile, communication=call)
    assess_all(revision.review, team)
    escaped = "&lt;b&gt;{{ request.user.password }}&lt;/b&gt;{% now &#x27;Y&#x27; %}"
    client.force_login(service_user)
    number = revision.order.number
    for url in (
        reverse("orders:order_detail", args=[number]),
        reverse("reviews:acceptance_record", args=[number, 1]),
    ):
        page = client.get(url).content.decode()
        assert f"Confirmed by {escaped} on" in page, url
        assert f">{escaped}</a>" in page, url
        assert hostile not in page, url
    client.force_login(approver)
    page = client.get(
        reverse("reviews:decision_sign", args=[revision.review.pk])
    ).content.decode()
    assert f"Confirmed by {escaped} on" in page
    assert f"“{escaped}”" in page
