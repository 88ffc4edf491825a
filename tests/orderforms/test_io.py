"""JSON import/export: refusing bad files whole, round trips, commands, demo forms."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from devtools.demo import demo_forms_seed
from orders.models import OrderForm, OrderFormVersion, Question
from orders.orderforms import document_checks, json_io
from orders.orderforms import services as orderform_services
from tests import factories

Status = OrderFormVersion.Status


def question(key: str, **fields: object) -> dict:
    return {
        "key": key,
        "label": f"{key}?",
        "kind": "short_text",
        "discipline": "engineering",
        "category": "stated",
        **fields,
    }


@pytest.fixture
def every_kind_document(engineering, quality, commercial, production) -> dict:
    """A document using every kind and every limit."""
    return {
        "slug": "everything",
        "name": "Every kind",
        "description": "One of each.\nWith ünïcode.",
        "questions": [
            question("part", max_length=20, pattern=r"[A-Z]+-\d+", section="Part"),
            question("notes", kind="long_text", max_length=500, help_text="Free text"),
            question("qty", kind="integer", min_value=1, max_value=5000, required=True),
            question(
                "length",
                kind="decimal",
                unit="mm",
                min_value="0.005",
                max_value="1200.5",
                discipline="production",
            ),
            question("due", kind="date", category="delivery"),
            question("coating", kind="yes_no", required=True, discipline="quality"),
            question(
                "finish",
                kind="single_choice",
                choices=["Anodise", "Paint"],
                show_if={"question": "coating", "in": ["yes"]},
            ),
            question(
                "ops",
                kind="multiple_choice",
                choices=["Deburr", "Engrave", "Polish"],
                min_value=1,
                max_value=2,
                category="not_stated",
            ),
            question(
                "drawing",
                kind="file",
                allowed_file_types="pdf,step",
                max_file_size_kb=2048,
                category="statutory",
            ),
            question(
                "mail",
                kind="email",
                discipline="commercial",
                category="post_delivery",
                show_if={"question": "finish", "in": ["Paint"]},
            ),
        ],
    }


def test_a_bad_file_is_refused_whole_listing_every_problem(
    db, engineering, every_kind_document
):
    document = every_kind_document
    document["questions"] += [
        question("weird", kind="slider"),
        question("part"),
        question("early", show_if={"question": "later", "in": ["x"]}, position=0),
        question("ghost", show_if={"question": "nobody", "in": ["x"]}),
        question("pick", kind="single_choice"),
        question("range", kind="integer", min_value=10, max_value=1),
        question("who", discipline="sales"),
        question("why", category="gossip"),
        question("size", kind="date", max_length=10),
        question("later"),
    ]
    with pytest.raises(ValidationError) as caught:
        orderform_services.version_import(data=document)
    problems = caught.value.messages
    expected = [
        "question 11 (weird): unknown kind 'slider'",
        "question 12 (part): duplicate key 'part'",
        "question 13 (early): show_if names 'later', which is not an earlier question",
        "question 14 (ghost): show_if names 'nobody', which is not an earlier question",
        "question 15 (pick): a choice question needs choices",
        "question 16 (range): min_value is above max_value",
        "question 17 (who): unknown discipline 'sales'",
        "question 18 (why): unknown category 'gossip'",
        "question 19 (size): a date question takes no max_length",
    ]
    for problem in expected:
        assert any(p.startswith(problem) for p in problems), (problem, problems)
    assert len(problems) == len(expected)
    assert not OrderForm.objects.exists()
    assert not Question.objects.exists()


def test_import_refuses_a_document_that_is_not_a_form(db):
    assert document_checks.problems_in([1, 2]) == ["the file must hold one JSON object"]
    problems = document_checks.problems_in(
        {"slug": "no spaces", "questions": [], "x": 1}
    )
    assert problems == [
        "unknown attribute 'x'",
        "slug must be letters, digits, - or _ (at most 80)",
        "name is missing or longer than 200 characters",
        "questions must be a non-empty list",
    ]
    with pytest.raises(ValueError, match="not valid JSON"):
        json_io.parse(b"{nope")
    with pytest.raises(ValueError, match="not UTF-8"):
        json_io.parse(b"\xff\xfe\x00")


def test_show_if_values_must_be_answers_of_the_controller(db, engineering):
    document = {
        "slug": "f",
        "name": "F",
        "questions": [
            question("coating", kind="yes_no"),
            question("finish", show_if={"question": "coating", "in": ["true"]}),
            question("drawing", kind="file"),
            question("after", show_if={"question": "drawing", "in": ["x"]}),
            question("self", show_if={"question": "self", "in": ["x"]}),
        ],
    }
    problems = document_checks.problems_in(document)
    assert problems == [
        "question 2 (finish): show_if values 'true' are not answers of 'coating' "
        "(yes, no)",
        "question 4 (after): show_if cannot depend on the file question 'drawing'",
        "question 5 (self): show_if names the question itself",
    ]


def test_every_limit_is_checked(db, engineering):
    document = {
        "slug": "f",
        "name": "F",
        "questions": [
            question("a", max_length=0, pattern="(unclosed"),
            question("b", kind="integer", min_value="1.5", max_value="x"),
            question("c", kind="decimal", min_value=10**20),
            question(
                "d", kind="file", allowed_file_types="pdf;exe", max_file_size_kb=-1
            ),
            question("e", kind="multiple_choice", choices=["x", "x"], max_value=0),
        ],
    }
    problems = document_checks.problems_in(document)
    assert problems == [
        "question 1 (a): max_length must be a whole number above 0",
        "question 1 (a): pattern is not a valid expression "
        "(missing ), unterminated subpattern at position 0)",
        "question 2 (b): min_value must be a whole number",
        "question 2 (b): max_value must be a number",
        "question 3 (c): min_value must have at most 14 digits before and 6 after "
        "the point",
        "question 4 (d): max_file_size_kb must be a whole number above 0",
        "question 4 (d): allowed_file_types must be extensions separated by commas, "
        "e.g. pdf,step",
        "question 5 (e): choices repeat",
        "question 5 (e): max_value must allow at least one tick",
    ]


def test_export_then_import_gives_an_equal_version(db, every_kind_document, form_admin):
    original = orderform_services.version_import(
        data=every_kind_document, user=form_admin, publish=True, change_note="v1"
    )
    exported = json_io.version_to_dict(original)
    assert exported["questions"][3]["min_value"] == "0.005"
    again = orderform_services.version_import(
        data=json.loads(json.dumps(exported)), user=form_admin
    )
    assert again.form == original.form
    assert (again.number, again.status) == (2, Status.DRAFT)
    assert json_io.version_to_dict(again) == exported
    length = again.questions.get(key="length")
    assert length.min_value == Decimal("0.005")
    assert length.max_value == Decimal("1200.5")


def test_export_and_import_commands_round_trip(
    db, every_kind_document, form_admin, tmp_path, capsys
):
    orderform_services.version_import(
        data=every_kind_document, publish=True, change_note="first"
    )
    out = tmp_path / "everything.json"
    call_command("export_order_form", "everything", "--output", str(out))
    document = json.loads(out.read_text())
    document["slug"] = "everything-copy"
    out.write_text(json.dumps(document))
    call_command(
        "import_order_form",
        str(out),
        "--publish",
        "--change-note",
        "copied",
        "--user",
        "formadmin",
    )
    assert "Imported everything-copy as version 1 (published, 10 questions)." in (
        capsys.readouterr().out
    )
    copy = OrderFormVersion.objects.get(form__slug="everything-copy")
    assert copy.published_by == form_admin
    call_command("export_order_form", "everything-copy", "--version", "1")
    exported = json.loads(capsys.readouterr().out)
    assert exported == document


def test_import_command_lists_every_problem_and_imports_nothing(db, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "slug": "bad",
                "name": "Bad",
                "questions": [question("a", kind="dial"), question("a")],
            }
        )
    )
    with pytest.raises(CommandError) as caught:
        call_command("import_order_form", str(bad))
    message = str(caught.value)
    assert "2 problem(s)" in message
    assert "unknown kind 'dial'" in message
    assert "duplicate key 'a'" in message
    assert not OrderForm.objects.exists()
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_order_form", str(tmp_path / "missing.json"))
    with pytest.raises(CommandError, match="no order form 'bad'"):
        call_command("export_order_form", "bad")


def test_import_into_a_form_with_a_draft_is_refused(db, every_kind_document):
    version = orderform_services.version_import(data=every_kind_document)
    assert version.status == Status.DRAFT
    with pytest.raises(ValidationError, match="has a draft in progress"):
        orderform_services.version_import(data=every_kind_document)


def test_import_with_publish_retires_the_published_version(db, every_kind_document):
    first = orderform_services.version_import(
        data=every_kind_document, publish=True, change_note="one"
    )
    second = orderform_services.version_import(
        data=every_kind_document, publish=True, change_note="two"
    )
    first.refresh_from_db()
    assert (first.status, second.status) == (Status.RETIRED, Status.PUBLISHED)
    with pytest.raises(ValidationError, match="publishing needs a change note"):
        orderform_services.version_import(data=every_kind_document, publish=True)


# --- demo forms -----------------------------------------------------------------------


def test_demo_forms_are_realistic_published_and_loaded_once(db, engineering):
    for slug in ("production", "quality", "commercial"):
        factories.discipline(slug)
    assert demo_forms_seed() == 3
    assert demo_forms_seed() == 0
    versions = OrderFormVersion.objects.filter(status=Status.PUBLISHED)
    assert {v.form.slug for v in versions} == {
        "cnc-machining",
        "calibration-service",
        "job-shop-lines",
    }
    lines = versions.get(form__slug="job-shop-lines")
    assert lines.sections.get().max_entries == 200
    for version in versions.exclude(form__slug="job-shop-lines"):
        questions = list(version.questions.all())
        assert 15 <= len(questions) <= 30
        assert sum(1 for q in questions if q.show_if_question) >= 2
        assert len({q.category for q in questions}) >= 4
        assert len({q.discipline_id for q in questions}) == 4
        assert document_checks.problems_in(json_io.version_to_dict(version)) == []
