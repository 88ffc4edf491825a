import datetime
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from reviews import signing
from reviews.models import Signature

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


@given(st.dictionaries(st.text(), json_values))
def test_canonical_json_does_not_depend_on_key_order(data):
    reordered = dict(reversed(list(data.items())))
    assert signing.canonical_json(data) == signing.canonical_json(reordered)


@given(
    st.dictionaries(
        st.text(), json_values | st.floats(allow_nan=False, allow_infinity=False)
    )
)
def test_a_content_encoded_once_hashes_as_the_content_it_stores(data):
    # seed_scale hashes and stores the canonical text (rows_content_json); the
    # verifier hashes the content read back from it: the same hash.
    text = signing.CanonicalJSON(signing.canonical_json(data))
    assert signing.content_hash(text) == signing.content_hash(json.loads(text))
    assert signing.content_hash(text) == signing.content_hash(data)


def test_canonical_json_spells_times_in_utc_and_decimals_exactly():
    cet = datetime.timezone(datetime.timedelta(hours=1))
    when = datetime.datetime(2026, 1, 2, 13, 0, tzinfo=cet)
    text = signing.canonical_json({"b": Decimal("1.50"), "a": when, "c": "ö"})
    assert text == '{"a":"2026-01-02T12:00:00+00:00","b":"1.50","c":"ö"}'


def link(previous: str, pk: int, meaning: str = "Approved") -> SimpleNamespace:
    content = {"n": pk}
    fields = {
        "decision_id": pk,
        "signer_id": 1,
        "printed_name": "Alex Approver",
        "meaning": meaning,
        "signed_at": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        "content_hash": signing.content_hash(content),
        "previous_hash": previous,
    }
    key_id, signature_hash = signing.new_signature_hash(**fields)
    return SimpleNamespace(
        pk=pk, content=content, signature_hash=signature_hash, key_id=key_id, **fields
    )


def test_empty_chain_is_intact_with_the_genesis_head():
    report = signing.chain_verify([])
    assert report.ok and report.head == signing.GENESIS_HASH and report.count == 0


def test_chain_verify_names_the_first_broken_link():
    first = link(signing.GENESIS_HASH, 1)
    second = link(first.signature_hash, 2)
    third = link(second.signature_hash, 3)
    assert signing.chain_verify([first, second, third]).ok

    second.meaning = "Forged"
    report = signing.chain_verify([first, second, third])
    assert (report.ok, report.broken_pk, report.head) == (
        False,
        2,
        third.signature_hash,
    )

    report = signing.chain_verify([first, third])
    assert report.broken_pk == 3
    assert "does not link" in report.problem


@pytest.mark.django_db
def test_admin_shows_signatures_read_only(approver):
    request = RequestFactory().get("/admin/")
    approver.is_superuser = True
    request.user = approver
    admin = site._registry[Signature]
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)
    assert admin.has_view_permission(request)


def test_a_link_is_an_hmac_under_the_chain_key_not_a_plain_sha256():
    signature = link(signing.GENESIS_HASH, 1)
    fields = {
        name: getattr(signature, name)
        for name in (
            "decision_id",
            "signer_id",
            "printed_name",
            "meaning",
            "signed_at",
            "content_hash",
            "previous_hash",
        )
    }
    unkeyed = signing.signature_hash(key_id="sha256-unkeyed", key=None, **fields)
    wrong_key = signing.signature_hash(
        key_id=signature.key_id, key="a-guessed-key-" * 4, **fields
    )
    assert signature.key_id == "test-only"
    assert signature.signature_hash not in (unkeyed, wrong_key)
    assert signing.chain_verify([signature]).ok


def test_a_chain_recomputed_with_another_key_does_not_verify():
    first = link(signing.GENESIS_HASH, 1)
    second = link(first.signature_hash, 2)
    forger_keys = {"test-only": "the-forger-does-not-have-the-key-" * 2}
    report = signing.chain_verify([first, second], keys=forger_keys)
    assert (report.ok, report.broken_pk) == (False, 1)
    assert "do not match the signature hash" in report.problem


def legacy(previous: str, pk: int) -> SimpleNamespace:
    """A signature made before the chain was keyed: plain SHA-256."""
    signature = link(previous, pk)
    fields = {
        name: getattr(signature, name)
        for name in (
            "decision_id",
            "signer_id",
            "printed_name",
            "meaning",
            "signed_at",
            "content_hash",
            "previous_hash",
        )
    }
    signature.key_id = "sha256-unkeyed"
    signature.signature_hash = signing.signature_hash(
        key_id="sha256-unkeyed", key=None, **fields
    )
    return signature


def test_signatures_from_before_the_key_still_verify_and_are_reported_unkeyed():
    old = legacy(signing.GENESIS_HASH, 1)
    older_still = legacy(old.signature_hash, 2)
    new = link(older_still.signature_hash, 3)
    # The installation wrote down signature 2 as its last legacy one.
    report = signing.chain_verify([old, older_still, new], legacy_until=2)
    assert report.ok
    # Without that, unkeyed links are a break: nobody can relabel a chain legacy.
    assert signing.chain_verify([old, older_still, new], legacy_until=0).broken_pk == 1
    assert report.unkeyed == 2
    assert "2 of them unkeyed legacy signature(s)" in report.summary


def test_an_unkeyed_link_after_a_keyed_one_breaks_the_chain():
    keyed = link(signing.GENESIS_HASH, 1)
    forged = legacy(keyed.signature_hash, 2)
    # Even within the legacy cut-off, an unkeyed link after a keyed one breaks.
    report = signing.chain_verify([keyed, forged], legacy_until=2)
    assert (report.ok, report.broken_pk) == (False, 2)
    assert "only signatures made before the chain was keyed" in report.problem


def test_after_rotation_old_signatures_verify_under_their_key_id(settings):
    before = link(signing.GENESIS_HASH, 1)
    settings.SIGNING_CHAIN_KEY_ID = "2027"
    settings.SIGNING_CHAIN_KEYS = {
        **settings.SIGNING_CHAIN_KEYS,
        "2027": "the-next-signing-chain-key-for-2027-xx",
    }
    after = link(before.signature_hash, 2)
    assert (before.key_id, after.key_id) == ("test-only", "2027")
    assert signing.chain_verify([before, after]).ok

    settings.SIGNING_CHAIN_KEYS = {"2027": settings.SIGNING_CHAIN_KEYS["2027"]}
    report = signing.chain_verify([before, after])
    assert report.broken_pk == 1
    assert "key id this installation does not know" in report.problem
