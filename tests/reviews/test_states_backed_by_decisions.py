"""An order's, revision's and review's state must be backed by a signed decision:
one flipped around the services (even by the app role, whose rights allow row
updates) fails verification; and an unkeyed signature after the written-down
legacy cut-off is a break, so a rewritten chain cannot pass as 'legacy'."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from orderreview.chainkeys import LEGACY_KEY_ID
from reviews import signing
from reviews.models import Signature
from tests.factories import TEST_PASSWORD
from tests.reviews.conftest import assess, slot, submit_revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def rejected(engineering, reviewer, approver):
    from reviews import services

    review = submit_revision(engineering)
    assess(slot(review, engineering), reviewer)
    services.decision_sign(
        review=review,
        signer=approver,
        outcome="reject",
        reasons="Cannot source the alloy",
        password=TEST_PASSWORD,
    )
    return review


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_an_order_flipped_from_rejected_to_accepted_fails_verification(rejected):
    call_command("verify_signatures")  # intact before
    _sql(
        "UPDATE orders_order SET status = 'accepted' WHERE id = %s", [rejected.order_id]
    )
    with pytest.raises(CommandError, match="is accepted, but no revision of it was"):
        call_command("verify_signatures")


def test_a_revision_marked_accepted_without_a_decision_fails_verification(
    engineering,
):
    review = submit_revision(engineering)
    _sql(
        "UPDATE requirements_requirementset SET state = 'accepted' WHERE id = %s",
        [review.requirement_set_id],
    )
    with pytest.raises(CommandError, match="accepted without a signed decision"):
        call_command("verify_signatures")


def test_a_reopened_review_of_a_decision_fails_verification_and_the_page_says_so(
    client, rejected, auditor
):
    _sql("UPDATE reviews_review SET state = 'open' WHERE id = %s", [rejected.pk])
    with pytest.raises(CommandError, match="says reject, but its review is open"):
        call_command("verify_signatures")
    client.force_login(auditor)
    page = client.get(reverse("reviews:signatures_verify")).content.decode()
    assert "says reject, but its review is open" in page


def test_an_unkeyed_signature_after_the_legacy_cut_off_is_a_break(rejected, settings):
    # The owner rewrites the only signature as a "legacy" plain SHA-256 link.
    signature = Signature.objects.get()
    forged = signing.signature_hash(
        decision_id=signature.decision_id,
        signer_id=signature.signer_id,
        printed_name=signature.printed_name,
        meaning=signature.meaning,
        signed_at=signature.signed_at,
        content_hash=signature.content_hash,
        previous_hash=signature.previous_hash,
        key_id=LEGACY_KEY_ID,
        key=None,
    )
    settings.SIGNING_CHAIN_LEGACY_UNTIL = 0  # a new install: no legacy signatures
    _sql("SET CONSTRAINTS ALL IMMEDIATE", [])  # no deferred checks pending
    _sql("ALTER TABLE reviews_signature DISABLE TRIGGER USER", [])
    _sql(
        "UPDATE reviews_signature SET key_id = %s, signature_hash = %s WHERE id = %s",
        [LEGACY_KEY_ID, forged, signature.pk],
    )
    _sql("ALTER TABLE reviews_signature ENABLE TRIGGER USER", [])
    with pytest.raises(CommandError, match="SIGNING_CHAIN_LEGACY_UNTIL"):
        call_command("verify_signatures")
