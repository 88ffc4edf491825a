"""Signatures made before the chain was keyed still verify after the upgrade."""

import pytest
from django.core.management import call_command
from django.db import connection

from reviews import services, signing
from reviews.models import Signature
from tests.factories import TEST_PASSWORD
from tests.reviews.conftest import assess, slot, submit_revision

HASHED = (
    "decision_id",
    "signer_id",
    "printed_name",
    "meaning",
    "signed_at",
    "content_hash",
    "previous_hash",
)


def _sign(review, approver) -> Signature:
    return services.decision_sign(
        review=review,
        signer=approver,
        outcome="accept",
        reasons="",
        password=TEST_PASSWORD,
    ).signatures.get()


@pytest.mark.django_db(transaction=True)
def test_signatures_from_before_the_key_verify_after_migrating_and_are_named_unkeyed(
    engineering, reviewer, approver, capsys, chain_heads_log, settings
):
    reviews = [submit_revision(engineering) for _ in range(3)]
    for review in reviews:
        assess(slot(review, engineering), reviewer)
    made = [_sign(review, approver) for review in reviews[:2]]
    # The old code signed format-1 content (no display values) ...
    old_contents = {
        signature.pk: signing.review_content(
            signature.decision.review, signature.decision, content_format=1
        )
        for signature in made
    }
    # ... then back to the schema before keys, and the two signatures as the old
    # code wrote them: format-1 content, plain SHA-256 links, no key id.
    call_command("migrate", "reviews", "0003", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE reviews_signature DISABLE TRIGGER USER")
        previous = signing.GENESIS_HASH
        for signature in made:
            content = old_contents[signature.pk]
            signature.content_hash = signing.content_hash(content)
            cursor.execute(
                "UPDATE reviews_signature SET content = %s::jsonb, content_hash = %s "
                "WHERE id = %s",
                [signing.canonical_json(content), signature.content_hash, signature.pk],
            )
            signature.previous_hash = previous
            fields = {name: getattr(signature, name) for name in HASHED}
            digest = signing.sha256_hex(
                signing.canonical_json(
                    {
                        "decision": fields.pop("decision_id"),
                        "signer": fields.pop("signer_id"),
                        **fields,
                    }
                )
            )
            cursor.execute(
                "UPDATE reviews_signature SET signature_hash = %s, previous_hash = %s "
                "WHERE id = %s",
                [digest, previous, signature.pk],
            )
            previous = digest
        cursor.execute("ALTER TABLE reviews_signature ENABLE TRIGGER USER")
    # The installation writes down its last legacy signature when it upgrades.
    settings.SIGNING_CHAIN_LEGACY_UNTIL = made[-1].pk
    # The old code kept no heads log (this one logged the keyed originals).
    chain_heads_log.unlink()
    # Every app forward again: going back to reviews 0003 also unapplied the
    # migrations of apps that depend on reviews.
    call_command("migrate", verbosity=0)

    assert list(Signature.objects.values_list("key_id", flat=True)) == [
        "sha256-unkeyed",
        "sha256-unkeyed",
    ]
    newest = _sign(reviews[2], approver)
    assert (newest.key_id, newest.previous_hash) == ("test-only", previous)
    call_command("verify_signatures")
    out = capsys.readouterr().out
    assert "intact: 3 signature(s) verified; 2 of them unkeyed legacy" in out
    assert "Warning: 2 of them unkeyed legacy signature(s)" in out
