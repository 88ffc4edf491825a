"""Issue 13 item 4: whoever owns the tables cannot rewrite the chain unseen.

The forger is the database superuser: they switch the append-only triggers off,
flip a rejection to an acceptance and recompute every later link -- with plain
SHA-256, or with a key of their own, since the real key is not in the database.
Each step is refused by the database or found by verify_signatures, the auditor's
page and the order's record, with the heads kept outside the database.
"""

import io
import logging
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from pypdf import PdfReader

from audit.guard import history_tables
from reviews import heads, services, signing
from reviews.models import Decision, Signature
from tests.factories import TEST_PASSWORD
from tests.reviews.conftest import assess, slot, submit_revision

pytestmark = pytest.mark.django_db

HASHED_FIELDS = (
    "decision_id",
    "signer_id",
    "printed_name",
    "meaning",
    "signed_at",
    "content_hash",
    "previous_hash",
)


@pytest.fixture
def chain(
    engineering, commercial, reviewer, approver, django_capture_on_commit_callbacks
) -> list[Signature]:
    """Three decisions signed through the service, heads logged after each commit:
    accepted, rejected, accepted."""
    made = []
    for outcome in ("accept", "reject", "accept"):
        review = submit_revision(engineering, commercial)
        assess(slot(review, engineering), reviewer)
        assess(slot(review, commercial), approver)
        with django_capture_on_commit_callbacks(execute=True):
            decision = services.decision_sign(
                review=review,
                signer=approver,
                outcome=outcome,
                reasons="" if outcome == "accept" else "No capacity this quarter",
                password=TEST_PASSWORD,
            )
        made.append(decision.signatures.get())
    return made


def as_superuser(*statements: tuple[str, list]) -> None:
    """Run statements with every user trigger of the signed tables switched off."""
    with connection.cursor() as cursor:
        # Pending deferred foreign key checks block ALTER TABLE: run them first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in ("reviews_signature", "reviews_decision"):
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        try:
            for sql, params in statements:
                cursor.execute(sql, params)
        finally:
            for table in ("reviews_signature", "reviews_decision"):
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def flip_and_relink(
    signatures: list[Signature], flip: Signature, *, key_id: str, key: str | None
) -> None:
    """Turn flip's rejection into an acceptance and recompute it and every later
    link under key_id with key; without a key, with plain SHA-256 (all a forger
    without the key can compute)."""
    decision = flip.decision
    as_superuser(
        (
            "UPDATE reviews_decision SET outcome = 'accept', reasons = '' "
            "WHERE id = %s",
            [decision.pk],
        )
    )
    previous = flip.previous_hash
    for signature in signatures:
        if signature.pk < flip.pk:
            continue
        if signature.pk == flip.pk:
            content = dict(signature.content)
            content["decision"] = {
                **content["decision"],
                "outcome": "accept",
                "reasons": "",
            }
            signature.content = content
            signature.content_hash = signing.content_hash(content)
            signature.meaning = signing.MEANINGS["accept"]
        signature.previous_hash = previous
        signature.key_id = key_id
        signature.signature_hash = signing.signature_hash(
            key_id=key_id if key else "sha256-unkeyed",
            key=key,
            **{name: getattr(signature, name) for name in HASHED_FIELDS},
        )
        previous = signature.signature_hash
    # Drop the old rows and insert the rewritten ones, newest first out, so the
    # unique chain constraints never see two rows claiming one predecessor.
    rewritten = [s for s in signatures if s.pk >= flip.pk]
    as_superuser(
        *[
            ("DELETE FROM reviews_signature WHERE id = %s", [s.pk])
            for s in reversed(rewritten)
        ],
        *[
            (
                "INSERT INTO reviews_signature (id, decision_id, signer_id, "
                "printed_name, meaning, signed_at, content, content_hash, "
                "previous_hash, signature_hash, key_id, content_format) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s, %s, %s, %s)",
                [
                    s.pk,
                    s.decision_id,
                    s.signer_id,
                    s.printed_name,
                    s.meaning,
                    s.signed_at,
                    signing.canonical_json(s.content),
                    s.content_hash,
                    s.previous_hash,
                    s.signature_hash,
                    s.key_id,
                    s.content_format,
                ],
            )
            for s in rewritten
        ],
    )


def verify_fails(*args: str) -> str:
    with pytest.raises(CommandError) as error:
        call_command("verify_signatures", *args)
    return str(error.value)


def test_the_chain_verifies_before_any_forgery(chain, capsys):
    call_command("verify_signatures")
    out = capsys.readouterr().out
    assert "intact: 3 signature(s)" in out
    assert "Heads log" in out and "3 head(s) compared" in out
    assert "unkeyed" not in out


def test_relinking_with_plain_sha256_under_the_same_key_id_is_found(chain):
    flip_and_relink(chain, chain[1], key_id="test-only", key=None)
    message = verify_fails()
    assert f"BROKEN at signature #{chain[1].pk}" in message
    assert "do not match the signature hash" in message


def test_relinking_as_unkeyed_legacy_signatures_is_found(chain):
    flip_and_relink(chain, chain[1], key_id="sha256-unkeyed", key=None)
    message = verify_fails()
    assert f"BROKEN at signature #{chain[1].pk}" in message
    assert "it is unkeyed (plain SHA-256): only signatures made before" in message


def test_relinking_with_a_key_of_the_forgers_own_is_found(chain):
    flip_and_relink(
        chain, chain[1], key_id="test-only", key="the-forger-made-up-this-key-here"
    )
    message = verify_fails()
    assert f"BROKEN at signature #{chain[1].pk}" in message
    assert "do not match the signature hash" in message


def test_rewriting_the_whole_chain_as_unkeyed_is_found_by_the_heads_log(
    chain, client, auditor, settings
):
    """Even where the legacy cut-off would admit the rewritten links (an install
    that upgraded with this many signatures), the heads written outside the
    database find the rewrite; with a new install's cut-off the chain alone does."""
    settings.SIGNING_CHAIN_LEGACY_UNTIL = chain[-1].pk
    written_down = chain[-1].signature_hash
    call_command("verify_signatures", "--head", written_down)
    flip_and_relink(chain, chain[0], key_id="sha256-unkeyed", key=None)
    # The rejection in the middle becomes an acceptance too.
    flip_and_relink(
        list(Signature.objects.order_by("pk")),
        Signature.objects.get(pk=chain[1].pk),
        key_id="sha256-unkeyed",
        key=None,
    )
    assert signing.chain_verify(Signature.objects.order_by("pk")).ok
    assert not signing.chain_verify(Signature.objects.order_by("pk"), legacy_until=0).ok

    message = verify_fails()
    assert "the chain was rewritten" in message
    assert f"signature #{chain[0].pk} has hash" in message
    assert f"Head {written_down} is NOT in the signature chain" in verify_fails(
        "--head", written_down
    )
    client.force_login(auditor)
    page = client.get(reverse("audit:signature_chain")).content.decode()
    assert "Verdict: the chain is broken." in page
    assert "the chain was rewritten" in page


def test_the_auditor_page_and_the_record_show_a_relinked_forgery(
    chain, client, auditor
):
    flip_and_relink(chain, chain[1], key_id="sha256-unkeyed", key=None)
    client.force_login(auditor)
    page = client.get(reverse("audit:signature_chain")).content.decode()
    assert "Verdict: the chain is broken." in page
    review = chain[1].decision.review
    record = client.get(
        reverse("reviews:acceptance_record", args=[review.order.number, 1])
    ).content.decode()
    assert 'data-verification="broken"' in record
    assert "only signatures made before the chain was keyed" in record


def test_truncate_is_refused_on_signatures_decisions_and_history(chain):
    statements = [
        "TRUNCATE reviews_signature CASCADE",
        "TRUNCATE reviews_decision CASCADE",
        "TRUNCATE reviews_review CASCADE",
        *[f'TRUNCATE "{table}"' for table in history_tables()],
    ]
    with connection.cursor() as cursor:
        # Pending deferred foreign key checks would block TRUNCATE for another
        # reason than the triggers under test.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for sql in statements:
        with (
            pytest.raises(IntegrityError, match="TRUNCATE on"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert Signature.objects.count() == 3
    assert Decision.objects.count() == 3


def test_deleting_the_newest_signature_is_found(chain, client, auditor):
    newest = chain[-1]
    as_superuser(("DELETE FROM reviews_signature WHERE id = %s", [newest.pk]))

    message = verify_fails()
    assert f"decision #{newest.decision_id}" in message
    assert "has no signature" in message
    assert "the chain is shorter than the heads log" in message

    client.force_login(auditor)
    page = client.get(reverse("audit:signature_chain")).content.decode()
    assert "Verdict: the chain is broken." in page
    assert "has no signature" in page
    order = newest.decision.review.order
    record = client.get(
        reverse("reviews:acceptance_record", args=[order.number, 1])
    ).content.decode()
    assert 'data-verification="chain-failed"' in record
    assert "This decision has no signature" in record
    assert "the chain is shorter than the heads log" in record


def test_deleting_the_newest_signature_and_its_decision_is_found_by_the_log(chain):
    newest = chain[-1]
    as_superuser(
        ("DELETE FROM reviews_signature WHERE id = %s", [newest.pk]),
        ("DELETE FROM reviews_decision WHERE id = %s", [newest.decision_id]),
    )
    message = verify_fails()
    assert "the chain is shorter than the heads log" in message
    assert f"#{newest.pk}" in message


def test_a_decision_without_its_signature_fails_even_without_a_heads_log(
    chain, chain_heads_log
):
    chain_heads_log.unlink()
    as_superuser(("DELETE FROM reviews_signature WHERE id = %s", [chain[-1].pk]))
    assert "has no signature" in verify_fails()


def test_a_copy_of_the_heads_log_is_checked_with_heads_log(
    chain, chain_heads_log, tmp_path
):
    copy = tmp_path / "auditor-copy.log"
    shutil.copy(chain_heads_log, copy)
    chain_heads_log.unlink()
    call_command("verify_signatures", "--heads-log", str(copy))
    as_superuser(
        ("DELETE FROM reviews_signature WHERE id = %s", [chain[-1].pk]),
        ("DELETE FROM reviews_decision WHERE id = %s", [chain[-1].decision_id]),
    )
    assert "shorter than the heads log" in verify_fails("--heads-log", str(copy))
    assert "does not exist" in verify_fails("--heads-log", str(tmp_path / "nope"))


def test_a_head_written_down_is_proved_in_the_chain(chain, capsys):
    call_command("verify_signatures", "--head", chain[0].signature_hash.upper())
    out = capsys.readouterr().out
    assert f"Head {chain[0].signature_hash} is in the chain" in out
    assert f"signature #{chain[0].pk}" in out and "2 later signature(s)" in out
    assert "NOT in the signature chain" in verify_fails("--head", "f" * 64)


def test_the_heads_log_holds_one_line_per_decision_with_key_id(chain, chain_heads_log):
    logged = heads.heads_read(chain_heads_log)
    assert [(h.signature_id, h.hash, h.key_id) for h in logged] == [
        (s.pk, s.signature_hash, "test-only") for s in chain
    ]


def test_a_heads_log_that_cannot_be_written_keeps_the_decision_and_logs_loudly(
    assessed_review,
    approver,
    settings,
    tmp_path,
    caplog,
    django_capture_on_commit_callbacks,
):
    settings.SIGNING_CHAIN_HEADS_LOG = tmp_path  # a directory: opening it fails
    with (
        caplog.at_level(logging.CRITICAL, logger="reviews.heads"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        decision = services.decision_sign(
            review=assessed_review,
            signer=approver,
            outcome="accept",
            reasons="",
            password=TEST_PASSWORD,
        )
    signature = decision.signatures.get()
    assert "SIGNATURE CHAIN HEAD NOT WRITTEN" in caplog.text
    assert signature.signature_hash in caplog.text
    assert Decision.objects.filter(pk=decision.pk).exists()


def test_the_pdf_prints_the_chain_head(chain, client, auditor):
    order = chain[0].decision.review.order
    client.force_login(auditor)
    response = client.get(
        reverse("reviews:acceptance_record_pdf", args=[order.number, 1])
    )
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "Signature chain head when printed" in text
    assert chain[-1].signature_hash in text.replace("\n", "")
