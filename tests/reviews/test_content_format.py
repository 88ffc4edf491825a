"""Golden vectors of the signed content: fixed input -> fixed canonical JSON and
hashes, per content format. A renamed key, a dropped field or a changed spelling
breaks every signature already made: these tests fail first.

Pure: the review is plain objects (as seed_scale builds it), no database."""

import datetime
from types import SimpleNamespace

import pytest

from orders.models import Question
from reviews import signing
from reviews.content_differences import content_differences

UTC = datetime.UTC
ALICE = SimpleNamespace(username="alice", printed_name="Alice Assessor")
BOB = SimpleNamespace(username="bob", printed_name="Bob Builder")
ANN = SimpleNamespace(username="ann", printed_name="Ann Approver")
SAM = SimpleNamespace(username="sam", printed_name="Sam Service")
ENG = SimpleNamespace(slug="engineering")
QUA = SimpleNamespace(slug="quality")


def _requirement(pk, position, key, statement, value, discipline, question=None):
    return SimpleNamespace(
        pk=pk,
        position=position,
        key=key,
        statement=statement,
        value=value,
        category="stated",
        discipline=discipline,
        source="form",
        question=question,
    )


def golden_review() -> tuple[SimpleNamespace, SimpleNamespace]:
    length = Question(key="length", kind=Question.Kind.DECIMAL, unit="mm")
    certified = Question(key="cert", kind=Question.Kind.YES_NO)
    drawing = Question(key="drawing", kind=Question.Kind.FILE)
    requirements = [
        _requirement(11, 1, "length", "Length", "12", ENG, length),
        _requirement(12, 2, "cert", "Certificate 3.1", True, QUA, certified),
        _requirement(
            13,
            3,
            "drawing",
            "Drawing",
            {
                "name": "b.pdf",
                "path": "uploads/SO-1/drawing/b.pdf",
                "sha256": "ab" * 32,
            },
            ENG,
            drawing,
        ),
    ]
    by_pk = {r.pk: r for r in requirements}
    assessments = [
        SimpleNamespace(
            requirement_id=pk,
            requirement=by_pk[pk],
            discipline=by_pk[pk].discipline,
            verdict=verdict,
            note=note,
            assessed_by=who,
            assessed_at=datetime.datetime(2026, 3, 2, 9, minute, tzinfo=UTC),
            carried_from_id=None,
        )
        for pk, verdict, note, who, minute in (
            (11, "conditions", "± 0.1 mm only", ALICE, 0),
            (12, "can_meet", "", BOB, 5),
            (13, "can_meet", "", ALICE, 10),
        )
    ]
    checks = [
        SimpleNamespace(
            pk=pk,
            reference=reference,
            title=title,
            discipline=discipline,
            state=state,
            note=note,
            checked_by=who,
            checked_at=when,
        )
        for pk, reference, title, discipline, state, note, who, when in (
            (
                21,
                "Directive 2011/65/EU (RoHS)",
                "Restriction of hazardous substances",
                QUA,
                "complies",
                "",
                BOB,
                datetime.datetime(2026, 3, 2, 9, 20, tzinfo=UTC),
            ),
            (
                22,
                "Directive 2014/68/EU (PED)",
                "Pressure equipment",
                ENG,
                "not_applicable",
                "No pressure-bearing parts",
                ALICE,
                datetime.datetime(2026, 3, 2, 9, 25, tzinfo=UTC),
            ),
        )
    ]
    review = SimpleNamespace(
        order=SimpleNamespace(
            number="SO-2026-000001",
            customer=SimpleNamespace(account_code="ACME", name="Acme 株式会社"),
            customer_reference="PO-7",
            channel="email",
            requested_date=datetime.date(2026, 4, 1),
            documented_statement=True,
        ),
        requirement_set=SimpleNamespace(
            number=1,
            reason="",
            submitted_by=SAM,
            submitted_at=datetime.datetime(2026, 3, 1, 8, 0, tzinfo=UTC),
            requirements=SimpleNamespace(all=lambda: list(reversed(requirements))),
        ),
        assessments=SimpleNamespace(all=lambda: list(reversed(assessments))),
        statutory_checks=SimpleNamespace(all=lambda: list(reversed(checks))),
    )
    decision = SimpleNamespace(
        outcome="accept",
        reasons="",
        decided_by=ANN,
        decided_at=datetime.datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
    )
    return review, decision


GOLDEN = {
    1: (
        (
            '{"assessments":[{"assessed_at":"2026-03-02T09:00:00+00:00","assessed_b'
            'y":{"printed_name":"Alice Assessor","username":"alice"},"carried_from"'
            ':null,"discipline":"engineering","note":"± 0.1 mm only","requirement":'
            '"length","verdict":"conditions"},{"assessed_at":"2026-03-02T09:05:00+0'
            '0:00","assessed_by":{"printed_name":"Bob Builder","username":"bob"},"c'
            'arried_from":null,"discipline":"quality","note":"","requirement":"cert'
            '","verdict":"can_meet"},{"assessed_at":"2026-03-02T09:10:00+00:00","as'
            'sessed_by":{"printed_name":"Alice Assessor","username":"alice"},"carri'
            'ed_from":null,"discipline":"engineering","note":"","requirement":"draw'
            'ing","verdict":"can_meet"}],"decision":{"decided_at":"2026-03-02T10:00'
            ':00+00:00","decided_by":{"printed_name":"Ann Approver","username":"ann'
            '"},"outcome":"accept","reasons":""},"order":{"channel":"email","custom'
            'er":"ACME","customer_name":"Acme 株式会社","customer_reference":"PO-7","nu'
            'mber":"SO-2026-000001","requested_date":"2026-04-01"},"requirements":['
            '{"category":"stated","discipline":"engineering","key":"length","source'
            '":"form","statement":"Length","value":"12"},{"category":"stated","disc'
            'ipline":"quality","key":"cert","source":"form","statement":"Certificat'
            'e 3.1","value":true},{"category":"stated","discipline":"engineering","'
            'key":"drawing","source":"form","statement":"Drawing","value":{"name":"'
            'b.pdf","path":"uploads/SO-1/drawing/b.pdf","sha256":"ababababababababa'
            'bababababababababababababababababababababababab"}}],"revision":{"numbe'
            'r":1,"reason":"","submitted_at":"2026-03-01T08:00:00+00:00","submitted'
            '_by":{"printed_name":"Sam Service","username":"sam"}}}'
        ),
        "7f9ca3e553d58700f4ec01c72281f281dda084a34b34270dc4538fc9bd2a6a74",
    ),
    2: (
        (
            '{"assessments":[{"assessed_at":"2026-03-02T09:00:00+00:00","assessed_b'
            'y":{"printed_name":"Alice Assessor","username":"alice"},"carried_from"'
            ':null,"discipline":"engineering","note":"± 0.1 mm only","requirement":'
            '"length","verdict":"conditions"},{"assessed_at":"2026-03-02T09:05:00+0'
            '0:00","assessed_by":{"printed_name":"Bob Builder","username":"bob"},"c'
            'arried_from":null,"discipline":"quality","note":"","requirement":"cert'
            '","verdict":"can_meet"},{"assessed_at":"2026-03-02T09:10:00+00:00","as'
            'sessed_by":{"printed_name":"Alice Assessor","username":"alice"},"carri'
            'ed_from":null,"discipline":"engineering","note":"","requirement":"draw'
            'ing","verdict":"can_meet"}],"decision":{"decided_at":"2026-03-02T10:00'
            ':00+00:00","decided_by":{"printed_name":"Ann Approver","username":"ann'
            '"},"outcome":"accept","reasons":""},"format":2,"order":{"channel":"ema'
            'il","customer":"ACME","customer_name":"Acme 株式会社","customer_reference"'
            ':"PO-7","number":"SO-2026-000001","requested_date":"2026-04-01"},"requ'
            'irements":[{"category":"stated","discipline":"engineering","display":"'
            '12 mm","key":"length","source":"form","statement":"Length","value":"12'
            '"},{"category":"stated","discipline":"quality","display":"Yes","key":"'
            'cert","source":"form","statement":"Certificate 3.1","value":true},{"ca'
            'tegory":"stated","discipline":"engineering","display":"b.pdf (SHA-256 '
            'abababababababababababababababababababababababababababababababab)","ke'
            'y":"drawing","source":"form","statement":"Drawing","value":{"name":"b.'
            'pdf","path":"uploads/SO-1/drawing/b.pdf","sha256":"abababababababababa'
            'babababababababababababababababababababababab"}}],"revision":{"number"'
            ':1,"reason":"","submitted_at":"2026-03-01T08:00:00+00:00","submitted_b'
            'y":{"printed_name":"Sam Service","username":"sam"}}}'
        ),
        "ac941c2dc24ca49f4afe045a4dc82ef9d15282d815e5519f537700698189dff1",
    ),
    3: (
        (
            '{"assessments":[{"assessed_at":"2026-03-02T09:00:00+00:00","assessed_b'
            'y":{"printed_name":"Alice Assessor","username":"alice"},"carried_from"'
            ':null,"discipline":"engineering","note":"± 0.1 mm only","requirement":'
            '"length","verdict":"conditions"},{"assessed_at":"2026-03-02T09:05:00+0'
            '0:00","assessed_by":{"printed_name":"Bob Builder","username":"bob"},"c'
            'arried_from":null,"discipline":"quality","note":"","requirement":"cert'
            '","verdict":"can_meet"},{"assessed_at":"2026-03-02T09:10:00+00:00","as'
            'sessed_by":{"printed_name":"Alice Assessor","username":"alice"},"carri'
            'ed_from":null,"discipline":"engineering","note":"","requirement":"draw'
            'ing","verdict":"can_meet"}],"confirmation":null,"decision":{"decided_a'
            't":"2026-03-02T10:00:00+00:00","decided_by":{"printed_name":"Ann Appro'
            'ver","username":"ann"},"outcome":"accept","reasons":""},"format":3,"or'
            'der":{"channel":"email","customer":"ACME","customer_name":"Acme 株式会社",'
            '"customer_reference":"PO-7","number":"SO-2026-000001","requested_date"'
            ':"2026-04-01"},"requirements":[{"category":"stated","discipline":"engi'
            'neering","display":"12 mm","key":"length","source":"form","statement":'
            '"Length","value":"12"},{"category":"stated","discipline":"quality","di'
            'splay":"Yes","key":"cert","source":"form","statement":"Certificate 3.1'
            '","value":true},{"category":"stated","discipline":"engineering","displ'
            'ay":"b.pdf (SHA-256 ababababababababababababababababababababababababab'
            'ababababababab)","key":"drawing","source":"form","statement":"Drawing"'
            ',"value":{"name":"b.pdf","path":"uploads/SO-1/drawing/b.pdf","sha256":'
            '"abababababababababababababababababababababababababababababababab"}}],'
            '"revision":{"number":1,"reason":"","submitted_at":"2026-03-01T08:00:00'
            '+00:00","submitted_by":{"printed_name":"Sam Service","username":"sam"}'
            '},"statutory":[{"at":"2026-03-02T09:20:00+00:00","by":{"printed_name":'
            '"Bob Builder","username":"bob"},"discipline":"quality","note":"","refe'
            'rence":"Directive 2011/65/EU (RoHS)","state":"complies","title":"Restr'
            'iction of hazardous substances"},{"at":"2026-03-02T09:25:00+00:00","by'
            '":{"printed_name":"Alice Assessor","username":"alice"},"discipline":"e'
            'ngineering","note":"No pressure-bearing parts","reference":"Directive '
            '2014/68/EU (PED)","state":"not_applicable","title":"Pressure equipment'
            '"}]}'
        ),
        "6c973199985dc47e126b45c0526192b94af784a7aeec77ba9714f1461a91718c",
    ),
}


@pytest.mark.parametrize("content_format", [1, 2, 3])
def test_the_signed_content_of_each_format_is_pinned(content_format):
    review, decision = golden_review()
    content = signing.review_content(review, decision, content_format=content_format)
    text, digest = GOLDEN[content_format]
    assert signing.canonical_json(content) == text
    assert signing.content_hash(content) == digest


def test_new_signatures_use_format_3_and_it_carries_what_a_person_read():
    review, decision = golden_review()
    content = signing.review_content(review, decision)
    assert signing.CONTENT_FORMAT == 3 == content["format"]
    # The revision came with a documented statement: nothing to confirm.
    assert content["confirmation"] is None
    assert [r["display"] for r in content["requirements"]] == [
        "12 mm",
        "Yes",
        f"b.pdf (SHA-256 {'ab' * 32})",
    ]
    assert signing.content_format_of(content) == 3
    assert (
        signing.content_format_of(
            signing.review_content(review, decision, content_format=1)
        )
        == 1
    )
    assert (
        signing.content_format_of(
            signing.review_content(review, decision, content_format=2)
        )
        == 2
    )


def test_an_unknown_content_format_is_refused():
    review, decision = golden_review()
    with pytest.raises(ValueError, match="^unknown signed content format 4$"):
        signing.review_content(review, decision, content_format=4)


def test_the_content_to_sign_is_the_content_without_its_decision():
    review, decision = golden_review()
    full = signing.review_content(review, decision)
    to_sign = signing.review_content_to_sign(review)
    assert "decision" not in to_sign
    assert {**to_sign, "decision": full["decision"]} == full


def test_the_content_names_every_assessor_and_the_decider():
    review, decision = golden_review()
    content = signing.review_content(review, decision)
    assert [a["assessed_by"] for a in content["assessments"]] == [
        {"username": "alice", "printed_name": "Alice Assessor"},
        {"username": "bob", "printed_name": "Bob Builder"},
        {"username": "alice", "printed_name": "Alice Assessor"},
    ]
    assert content["decision"]["decided_by"] == {
        "username": "ann",
        "printed_name": "Ann Approver",
    }
    assert content["revision"]["submitted_by"]["username"] == "sam"


def test_content_differences_name_each_changed_field_in_words():
    before = {
        "order": {"customer_name": "Acme"},
        "requirements": [{"key": "k", "statement": "Length", "display": "12 mm"}],
        "assessments": [
            {"requirement": "k", "discipline": "engineering", "verdict": "can_meet"}
        ],
    }
    after = {
        "order": {"customer_name": "Acme Ltd"},
        "requirements": [{"key": "k", "statement": "Length", "display": "13 mm"}],
        "assessments": [
            {"requirement": "k", "discipline": "engineering", "verdict": "conditions"}
        ],
    }
    found = [(d.label, d.before, d.after) for d in content_differences(before, after)]
    assert found == [
        ("Customer name", "Acme", "Acme Ltd"),
        ("Requirement “Length”: value as shown", "12 mm", "13 mm"),
        ("Assessment of “Length” by engineering: verdict", "can_meet", "conditions"),
    ]
    assert content_differences(before, before) == []


def test_canonical_json_refuses_nan_and_values_without_one_spelling():
    with pytest.raises(ValueError):
        signing.canonical_json({"x": float("nan")})
    with pytest.raises(TypeError, match="^set is not canonical JSON$"):
        signing.canonical_json({"x": {1}})
    assert signing.canonical_json({"d": datetime.date(2026, 1, 2)}) == (
        '{"d":"2026-01-02"}'
    )


def _every_field(n: int) -> dict:
    person = {"username": f"u{n}", "printed_name": f"P{n}"}
    return {
        "format": n,
        "order": {
            name: f"{name}{n}"
            for name in (
                "number",
                "customer",
                "customer_name",
                "customer_reference",
                "channel",
                "requested_date",
            )
        },
        "revision": {
            "number": n,
            "reason": f"r{n}",
            "submitted_by": person,
            "submitted_at": f"t{n}",
        },
        "requirements": [
            {
                "key": "k",
                "statement": f"S{n}",
                "display": f"d{n}",
                "value": n,
                "category": f"c{n}",
                "discipline": f"x{n}",
                "source": f"s{n}",
            },
            {"key": f"only{n}", "statement": f"Only {n}"},
        ],
        "assessments": [
            {
                "requirement": "k",
                "discipline": "eng",
                "verdict": f"v{n}",
                "note": "" if n == 1 else "n",
                "assessed_by": person,
                "assessed_at": f"a{n}",
                "carried_from": None if n == 1 else 7,
            },
            {"requirement": f"only{n}", "discipline": "eng"},
        ],
        "decision": {
            "outcome": f"o{n}",
            "reasons": f"w{n}",
            "decided_by": person,
            "decided_at": f"at{n}",
        },
    }


def test_every_compared_field_has_its_label_and_both_values_in_words():
    found = [
        (d.section, d.label, d.field, d.before, d.after)
        for d in content_differences(_every_field(1), _every_field(2))
    ]
    assert found == [
        ("format", "Content format", "format", "1", "2"),
        ("order", "Order number", "number", "number1", "number2"),
        ("order", "Customer account code", "customer", "customer1", "customer2"),
        ("order", "Customer name", "customer_name", "customer_name1", "customer_name2"),
        (
            "order",
            "Customer reference",
            "customer_reference",
            "customer_reference1",
            "customer_reference2",
        ),
        ("order", "Channel", "channel", "channel1", "channel2"),
        (
            "order",
            "Requested date",
            "requested_date",
            "requested_date1",
            "requested_date2",
        ),
        ("revision", "Revision number", "number", "1", "2"),
        ("revision", "Reason", "reason", "r1", "r2"),
        ("revision", "Submitted by", "submitted_by", "P1 (u1)", "P2 (u2)"),
        ("revision", "Submitted at", "submitted_at", "t1", "t2"),
        ("requirement", "Requirement “S1”: statement", "statement", "S1", "S2"),
        ("requirement", "Requirement “S1”: value as shown", "display", "d1", "d2"),
        ("requirement", "Requirement “S1”: value", "value", "1", "2"),
        ("requirement", "Requirement “S1”: category", "category", "c1", "c2"),
        ("requirement", "Requirement “S1”: discipline", "discipline", "x1", "x2"),
        ("requirement", "Requirement “S1”: source", "source", "s1", "s2"),
        ("requirement", "Requirement “Only 1”", "", "present", "removed"),
        ("requirement", "Requirement “Only 2”", "", "—", "added"),
        ("assessment", "Assessment of “S1” by eng: verdict", "verdict", "v1", "v2"),
        (
            "assessment",
            "Assessment of “S1” by eng: conditions / reason",
            "note",
            "—",
            "n",
        ),
        (
            "assessment",
            "Assessment of “S1” by eng: assessed by",
            "assessed_by",
            "P1 (u1)",
            "P2 (u2)",
        ),
        (
            "assessment",
            "Assessment of “S1” by eng: assessed at",
            "assessed_at",
            "a1",
            "a2",
        ),
        (
            "assessment",
            "Assessment of “S1” by eng: carried forward from",
            "carried_from",
            "—",
            "7",
        ),
        ("assessment", "Assessment of “Only 1” by eng", "", "present", "removed"),
        ("assessment", "Assessment of “Only 2” by eng", "", "—", "added"),
        ("decision", "Decision", "outcome", "o1", "o2"),
        ("decision", "Reasons", "reasons", "w1", "w2"),
        ("decision", "Decided by", "decided_by", "P1 (u1)", "P2 (u2)"),
        ("decision", "Decided at", "decided_at", "at1", "at2"),
    ]


def test_a_content_without_a_decision_compares_without_one():
    before = {k: v for k, v in _every_field(1).items() if k != "decision"}
    assert content_differences(before, before) == []
    with_decision = content_differences(before, _every_field(1))
    assert [d.section for d in with_decision] == ["decision"] * 4
