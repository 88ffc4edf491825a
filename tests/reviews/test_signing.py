import datetime
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
    return SimpleNamespace(
        pk=pk,
        content=content,
        signature_hash=signing.signature_hash(**fields),
        **fields,
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
