"""A file question inside a line: accepted by the builder's checks, uploaded per
entry on the draft page, kept when the entry is saved again without a new file
and through the line buttons (a copy starts without it), checked beside its
field, and made a requirement per line named by its file name and SHA-256."""

import pytest
from django.urls import reverse

from orders.orderforms import sections
from requirements import services as req_services
from reviews import signing
from tests.changes.conftest import assess_all, sign
from tests.lines.conftest import PDF, PDF_SHA, entries, pdf

pytestmark = pytest.mark.django_db


def test_the_builders_check_takes_a_file_question_inside_a_repeating_section():
    document = {
        "sections": [{"name": "Lines", "repeating": True}],
        "questions": [
            {"key": "part", "section": "Lines", "kind": "short_text"},
            {"key": "drawing", "section": "Lines", "kind": "file"},
        ],
    }
    assert sections.section_problems(document) == []


def _post(order, lines: list[str], **answers):
    data = {
        "customer": order.customer.pk,
        "channel": "phone",
        "customer_reference": "",
        "documented_statement": "yes",
        "a-po": "4500123",
        "a-0-shown": "1",
        "a-0-lines": lines,
    }
    data.update(answers)
    return data


def _edit(order) -> str:
    return reverse("orders:order_edit", args=[order.number])


def test_a_file_uploaded_in_line_2_is_kept_there_and_saving_again_keeps_it(
    client, service_user, file_lines_draft
):
    client.force_login(service_user)
    url = _edit(file_lines_draft.order)
    typed = {"a-0-L1-part": "AB-1", "a-0-L2-part": "AB-2"}
    response = client.post(
        url,
        _post(
            file_lines_draft.order,
            ["L1", "L2"],
            **typed,
            **{"a-0-L2-drawing": pdf("line2.pdf")},
        ),
    )
    assert response.status_code == 302
    first, second = entries(file_lines_draft)
    assert "drawing" not in first["answers"]
    assert second["answers"]["drawing"]["name"] == "line2.pdf"
    assert second["answers"]["drawing"]["sha256"] == PDF_SHA
    stored = second["answers"]["drawing"]["path"]
    assert stored.startswith(f"uploads/{file_lines_draft.order.number}/L2.drawing/")

    page = client.get(url).content.decode()
    assert "Stored: line2.pdf" in page
    # Saved again without a new file, with the lines swapped: L2 keeps its file.
    response = client.post(url, _post(file_lines_draft.order, ["L2", "L1"], **typed))
    assert response.status_code == 302
    swapped = entries(file_lines_draft)
    assert [e["line"] for e in swapped] == ["L2", "L1"]
    assert swapped[0]["answers"]["drawing"]["path"] == stored


@pytest.mark.parametrize(
    ("action", "lines", "with_file"),
    [
        ("add:a-0-lines", ["L1", "L2", "L4"], {"L2"}),
        ("remove:a-0-lines:L1", ["L2"], {"L2"}),
        ("up:a-0-lines:L2", ["L2", "L1"], {"L2"}),
        ("down:a-0-lines:L1", ["L2", "L1"], {"L2"}),
        # The copy starts without the file (docs/guide-order-forms.md).
        ("copy:a-0-lines:L2", ["L1", "L2", "L4"], {"L2"}),
    ],
)
def test_the_line_buttons_keep_a_lines_file_with_its_line(
    client, service_user, file_lines_draft, action, lines, with_file
):
    client.force_login(service_user)
    url = _edit(file_lines_draft.order)
    typed = {"a-0-L1-part": "AB-1", "a-0-L2-part": "AB-2"}
    client.post(
        url,
        _post(
            file_lines_draft.order, ["L1", "L2"], **typed, **{"a-0-L2-drawing": pdf()}
        ),
    )
    response = client.post(
        url, _post(file_lines_draft.order, ["L1", "L2"], line_action=action, **typed)
    )
    assert response.status_code == 302
    kept = entries(file_lines_draft)
    assert [e["line"] for e in kept] == lines
    assert {e["line"] for e in kept if "drawing" in e["answers"]} == with_file


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (pdf("big.pdf", PDF + b"x" * 3000), "larger than 2 KB"),
        (pdf("notes.txt", b"plain text"), "not allowed"),
        (pdf("fake.pdf", b"MZ not a pdf"), "content is not PDF"),
    ],
)
def test_a_refused_file_is_said_beside_its_field_and_nothing_typed_is_lost(
    client, service_user, file_lines_draft, upload, message
):
    client.force_login(service_user)
    url = _edit(file_lines_draft.order)
    client.post(
        url,
        _post(
            file_lines_draft.order,
            ["L1", "L2"],
            **{"a-0-L1-part": "AB-1", "a-0-L2-part": "AB-2", "a-0-L2-drawing": pdf()},
        ),
    )
    response = client.post(
        url,
        _post(
            file_lines_draft.order,
            ["L1", "L2"],
            **{
                "a-po": "PO-typed",
                "a-0-L1-part": "typed-1",
                "a-0-L2-part": "typed-2",
                "a-0-L2-drawing": upload,
            },
        ),
    )
    assert response.status_code == 200
    form = response.context["answer_form"]
    line2 = form.line_groups[0].entries[1].form
    assert message in " ".join(line2.errors["drawing"])
    assert message in response.content.decode()
    kept = entries(file_lines_draft)
    assert [e["answers"]["part"] for e in kept] == ["typed-1", "typed-2"]
    # The refused file never replaced the stored one.
    assert kept[1]["answers"]["drawing"]["name"] == "drawing.pdf"
    file_lines_draft.refresh_from_db()
    assert file_lines_draft.answers["po"] == "PO-typed"


def test_a_new_lines_file_survives_an_error_elsewhere_and_the_next_save(
    client, service_user, file_lines_draft
):
    """The page shown again names the new entry by the line it was kept as, so
    saving again keeps its file rather than making the entry new once more."""
    client.force_login(service_user)
    url = _edit(file_lines_draft.order)
    data = _post(
        file_lines_draft.order,
        ["L1", "L2", "new-x1"],
        **{
            "a-0-L1-part": "AB-1",
            "a-0-L2-part": "AB-2",
            "a-0-new-x1-part": "AB-3",
            "a-0-new-x1-drawing": pdf("third.pdf"),
            "documented_statement": "maybe",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="a-0-L4-part"' in page and 'value="AB-3"' in page
    assert "Stored: third.pdf" in page
    assert "new-x1" not in page
    again = _post(
        file_lines_draft.order,
        ["L1", "L2", "L4"],
        **{"a-0-L1-part": "AB-1", "a-0-L2-part": "AB-2", "a-0-L4-part": "AB-3"},
    )
    assert client.post(url, again).status_code == 302
    kept = entries(file_lines_draft)
    assert [e["line"] for e in kept] == ["L1", "L2", "L4"]
    assert kept[2]["answers"]["drawing"]["name"] == "third.pdf"


def test_a_hostile_file_name_is_stored_tamed_and_shown_as_text(
    client, service_user, file_lines_draft
):
    client.force_login(service_user)
    url = _edit(file_lines_draft.order)
    hostile = '../../{{ secret }}<script>alert(1)</script>{% now "Y" %}.pdf'
    client.post(
        url,
        _post(
            file_lines_draft.order,
            ["L1", "L2"],
            **{
                "a-0-L1-part": "AB-1",
                "a-0-L2-part": "AB-2",
                "a-0-L2-drawing": pdf(hostile),
            },
        ),
    )
    stored = entries(file_lines_draft)[1]["answers"]["drawing"]
    assert "/" not in stored["name"] and ".." not in stored["path"].split("/")
    assert stored["path"].startswith(f"uploads/{file_lines_draft.order.number}/")
    page = client.get(url).content.decode()
    assert "<script>alert(1)" not in page


def test_each_lines_file_is_a_requirement_signed_by_name_and_sha256(
    client, service_user, file_lines_draft, reviewer, approver, engineering, production
):
    answers = {
        **file_lines_draft.answers,
        "@lines": {
            "Lines": [
                entries(file_lines_draft)[0],
                {
                    "line": "L2",
                    "answers": {"part": "AB-2", "drawing": pdf("line2.pdf")},
                },
            ],
            "Tools": entries(file_lines_draft, "Tools"),
        },
    }
    draft = req_services.revision_answers_save(
        revision=file_lines_draft, user=service_user, answers=answers
    )
    revision = req_services.revision_submit(revision=draft, user=service_user)
    drawing = revision.requirements.get(key="L2.drawing")
    assert drawing.statement == "Line 2 · Drawing"
    assert drawing.value["sha256"] == PDF_SHA
    content = signing.review_content_to_sign(revision.review)
    shown = {r["key"]: r["display"] for r in content["requirements"]}
    assert shown["L2.drawing"] == f"line2.pdf (SHA-256 {PDF_SHA})"

    # Downloaded like a file asked once: by those who may read the order.
    url = reverse("orders:requirement_file", args=[revision.order.number, drawing.pk])
    client.force_login(reviewer)
    assert b"".join(client.get(url).streaming_content) == PDF
    production.members.add(approver)
    engineering.members.add(approver)
    assess_all(
        revision.review,
        {engineering.pk: reviewer, production.pk: approver},
    )
    sign(revision.review, approver)
    client.force_login(approver)
    record = client.get(
        reverse("reviews:acceptance_record", args=[revision.order.number, 1])
    ).content.decode()
    assert f"line2.pdf (SHA-256 {PDF_SHA})" in record
    assert url in record
    client.logout()
    assert client.get(url).status_code == 302


def test_a_drafts_line_file_is_among_the_files_its_order_names(
    service_user, file_lines_draft
):
    """Backup checks and disposal see a line's file before any requirement
    names it."""
    from audit.disposal_plan import order_files
    from audit.restored_files import referenced_files

    answers = {
        **file_lines_draft.answers,
        "@lines": {
            "Lines": [
                {"line": "L1", "answers": {"part": "AB-1", "drawing": pdf("one.pdf")}}
            ]
        },
    }
    draft = req_services.revision_answers_save(
        revision=file_lines_draft, user=service_user, answers=answers
    )
    path = draft.answers["@lines"]["Lines"][0]["answers"]["drawing"]["path"]
    named = {f.path: f.named_by for f in order_files(draft.order)}
    assert named[path].startswith("answer L1.drawing of ")
    assert path in {f.path for f in referenced_files()}


def test_the_portal_takes_a_lines_file_and_says_a_public_refusal_beside_it(
    client, service_user, file_lines_draft, settings
):
    from orders import services as order_services

    settings.PUBLIC_UPLOAD_MAX_KB = 1
    _link, token = order_services.portal_link_create(
        order=file_lines_draft.order, user=service_user
    )
    url = reverse("orders:portal", args=[token])
    data = {
        "a-po": "4500123",
        "a-0-shown": "1",
        "a-0-lines": ["L1", "L2"],
        "a-0-L1-part": "AB-1",
        "a-0-L2-part": "typed",
        # Within the question's 2 KB, over the public 1 KB.
        "a-0-L2-drawing": pdf("big.pdf", PDF + b"x" * 1500),
    }
    response = client.post(url, data)
    assert response.status_code == 200
    line2 = response.context["answer_form"].line_groups[0].entries[1].form
    assert "larger than 1 KB" in " ".join(line2.errors["drawing"])
    kept = entries(file_lines_draft)
    assert kept[1]["answers"] == {"part": "typed"}

    data["a-0-L2-drawing"] = pdf("small.pdf")
    assert client.post(url, data).status_code == 302
    assert entries(file_lines_draft)[1]["answers"]["drawing"]["name"] == "small.pdf"


def test_an_entry_shown_again_may_take_the_key_another_was_posted_under(
    client, service_user, file_lines_draft
):
    """A new entry kept as L4 (L3 is a tool) and an unknown L4 kept as L5: each
    keeps its own answers and file on the page shown again."""
    client.force_login(service_user)
    data = _post(
        file_lines_draft.order,
        ["new-x1", "L4"],
        **{
            "a-0-new-x1-part": "FRESH",
            "a-0-new-x1-drawing": pdf("fresh.pdf"),
            "a-0-L4-part": "GHOST",
        },
    )
    response = client.post(_edit(file_lines_draft.order), data)
    assert response.status_code == 200
    group = response.context["answer_form"].line_groups[0]
    shown = {e.line: e.form["part"].value() for e in group.entries}
    assert shown == {"L4": "FRESH", "L5": "GHOST"}
    kept = entries(file_lines_draft)
    assert [(e["line"], e["answers"]["part"]) for e in kept] == [
        ("L4", "FRESH"),
        ("L5", "GHOST"),
    ]
    assert kept[0]["answers"]["drawing"]["name"] == "fresh.pdf"
    assert "Stored: fresh.pdf" in response.content.decode()
