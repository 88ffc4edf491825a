"""A line's file through the API: uploaded to the line's own files URL like a
file asked once, kept when the line is sent again without it, removed by null;
and the lines' shape checks: a line key of another section, too many entries,
and error places counted as the list was sent."""

import pytest
from django.test import Client

from api.views.draft_answers import _shape_error
from api.views.line_answers import lines_shape_errors
from orders.models import Order
from requirements import services as req_services
from requirements.models import RequirementSet
from tests.api.conftest import service_api  # noqa: F401  (fixture)
from tests.lines.conftest import PDF, PDF_SHA, entries, pdf

pytestmark = pytest.mark.django_db
ORDERS = "/api/v1/orders/"


def line_url(revision, line: str = "L2", key: str = "drawing") -> str:
    return f"{ORDERS}{revision.order.number}/lines/{line}/files/{key}/"


def patch(client: Client, revision, body: dict):
    return client.patch(
        f"{ORDERS}{revision.order.number}/", body, content_type="application/json"
    )


def test_a_lines_file_is_uploaded_to_its_line_and_answered_by_name_and_hash(
    service_api,  # noqa: F811
    file_lines_draft,
):
    response = service_api.post(line_url(file_lines_draft), {"file": pdf("l2.pdf")})
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "question": "drawing",
        "line": "L2",
        "name": "l2.pdf",
        "size": len(PDF),
        "sha256": PDF_SHA,
        "content_type": "application/pdf",
    }
    first, second = entries(file_lines_draft)
    assert "drawing" not in first["answers"]
    assert second["answers"]["drawing"]["sha256"] == PDF_SHA


def test_a_line_sent_again_keeps_its_file_and_null_removes_it(
    service_api,  # noqa: F811
    file_lines_draft,
):
    service_api.post(line_url(file_lines_draft), {"file": pdf()})
    sent = [
        {"line": "L1", "answers": {"part": "AB-1"}},
        {"line": "L2", "answers": {"part": "AB-2b"}},
    ]
    response = patch(
        service_api, file_lines_draft, {"answers": {"@lines": {"Lines": sent}}}
    )
    assert response.status_code == 200, response.json()
    second = entries(file_lines_draft)[1]["answers"]
    assert second["part"] == "AB-2b" and second["drawing"]["sha256"] == PDF_SHA

    sent[1]["answers"]["drawing"] = None
    response = patch(
        service_api, file_lines_draft, {"answers": {"@lines": {"Lines": sent}}}
    )
    assert response.status_code == 200, response.json()
    assert "drawing" not in entries(file_lines_draft)[1]["answers"]


def test_a_file_sent_as_json_in_a_line_is_refused_by_its_place(
    service_api,  # noqa: F811
    file_lines_draft,
):
    sent = [{"line": "L1", "answers": {"part": "A", "drawing": "x.pdf"}}]
    response = patch(
        service_api, file_lines_draft, {"answers": {"@lines": {"Lines": sent}}}
    )
    assert response.status_code == 400
    message = " ".join(response.json()["errors"]["answers.@lines.Lines.0.drawing"])
    assert "lines/<line>/files/<key>/" in message


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        # No such line; a line of the Tools section; a question asked per line at
        # the URL of the questions asked once.
        (lambda r: line_url(r, "L9"), 404, "no line L9"),
        (lambda r: line_url(r, "L3"), 404, "no line L3"),
        (lambda r: f"{ORDERS}{r.order.number}/files/drawing/", 400, "per line"),
    ],
)
def test_a_lines_file_goes_to_a_line_of_its_own_section_only(
    service_api,  # noqa: F811
    file_lines_draft,
    url,
    status,
    words,
):
    before = entries(file_lines_draft)
    response = service_api.post(url(file_lines_draft), {"file": pdf()})
    assert response.status_code == status
    assert words in str(response.json())
    assert entries(file_lines_draft) == before


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (pdf("big.pdf", PDF + b"x" * 3000), "larger than 2 KB"),
        (pdf("fake.pdf", b"MZ not a pdf"), "content is not PDF"),
        (pdf("notes.txt", b"text"), "not allowed"),
    ],
)
def test_a_lines_file_its_question_refuses_is_a_400_and_nothing_is_kept(
    service_api,  # noqa: F811
    file_lines_draft,
    upload,
    words,
):
    response = service_api.post(line_url(file_lines_draft), {"file": upload})
    assert response.status_code == 400
    assert words in " ".join(response.json()["errors"]["file"])
    assert "drawing" not in entries(file_lines_draft)[1]["answers"]


def test_a_hostile_file_name_in_a_line_is_tamed(
    service_api,  # noqa: F811
    file_lines_draft,
):
    name = "../../{{ secret }}<img src=x onerror=alert(1)>.pdf"
    response = service_api.post(line_url(file_lines_draft), {"file": pdf(name)})
    assert response.status_code == 200
    stored = entries(file_lines_draft)[1]["answers"]["drawing"]
    assert "/" not in stored["name"] and "<" not in stored["name"]
    assert ".." not in stored["path"].split("/")
    assert response.json()["name"] == stored["name"]


def test_a_submitted_order_takes_no_line_file(
    service_api,  # noqa: F811
    file_lines_draft,
):
    response = patch(service_api, file_lines_draft, {"submit": True})
    assert response.status_code == 200, response.json()
    assert (
        file_lines_draft.order.__class__.objects.get(
            pk=file_lines_draft.order.pk
        ).status
        == Order.Status.AWAITING_REVIEW
    )
    response = service_api.post(line_url(file_lines_draft), {"file": pdf()})
    assert response.status_code == 409


# -- the lines' shape (task B of issue 17's follow-up)


def test_a_line_key_of_another_section_is_refused(
    service_api,  # noqa: F811
    file_lines_draft,
):
    """L1 is a line of Lines: it cannot be sent as a tool."""
    before = file_lines_draft.answers["@lines"]
    sent = {"Tools": [{"line": "L1", "answers": {"tool": "Drill"}}]}
    response = patch(service_api, file_lines_draft, {"answers": {"@lines": sent}})
    assert response.status_code == 400
    message = " ".join(response.json()["errors"]["answers.@lines.Tools.0.line"])
    assert "Line L1 is an entry of Lines, not of Tools" in message
    file_lines_draft.refresh_from_db()
    assert file_lines_draft.answers["@lines"] == before


def test_a_line_sent_in_two_sections_is_sent_twice(
    service_api,  # noqa: F811
    file_lines_draft,
):
    sent = {
        "Lines": [{"line": "L1", "answers": {"part": "A"}}],
        "Tools": [{"line": "L1", "answers": {"tool": "Drill"}}],
    }
    response = patch(service_api, file_lines_draft, {"answers": {"@lines": sent}})
    assert response.status_code == 400
    assert "answers.@lines.Tools.0.line" in response.json()["errors"]


def test_more_entries_than_the_maximum_are_refused_before_any_entry_is_read(
    file_lines_version,
):
    """Four entries of a section that takes three, each of them wrong: one error,
    the count, beside the section (the entries are not looked at)."""
    sent = {"Lines": [{"answers": {"nope": 1}, "extra": True}] * 4}
    errors = lines_shape_errors(file_lines_version, sent, {}, _shape_error)
    assert list(errors) == ["answers.@lines.Lines"]
    assert "at most 3" in errors["answers.@lines.Lines"][0]


def test_an_entrys_error_is_named_by_its_place_in_the_list_as_sent(
    service_api,  # noqa: F811
    file_lines_draft,
):
    """A non-object entry first: the entry missing its part is the second sent."""
    sent = {"Lines": ["not an entry", {"answers": {}}]}
    response = patch(
        service_api, file_lines_draft, {"answers": {"@lines": sent}, "submit": True}
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "answers.@lines.Lines.0" in errors
    assert "answers.@lines.Lines.1.part" in errors
    assert "answers.@lines.Lines.0.part" not in errors


def test_a_change_orders_line_takes_its_file_at_its_own_url(
    service_api,  # noqa: F811
    file_lines_draft,
    service_user,
):
    from orders.models import Channel
    from requirements import change_orders
    from requirements import services as req_services

    req_services.revision_submit(revision=file_lines_draft, user=service_user)
    change = change_orders.change_order_start(
        order=file_lines_draft.order,
        user=service_user,
        reason="New drawing",
        channel=Channel.EMAIL,
        requested_by="Buyer",
    )
    url = (
        f"{ORDERS}{change.order.number}/change-orders/{change.number}/"
        "lines/L2/files/drawing/"
    )
    response = service_api.post(url, {"file": pdf("rev-b.pdf")})
    assert response.status_code == 200, response.json()
    assert response.json()["line"] == "L2"
    assert entries(change)[1]["answers"]["drawing"]["name"] == "rev-b.pdf"
    assert "drawing" not in entries(file_lines_draft)[1]["answers"]


def test_two_line_uploads_from_the_same_stale_draft_both_stay(
    file_lines_draft, service_user
):
    """Uploads to two lines at once: each request read the draft before the other
    saved. The second must not write back the answers it read, without the first
    line's file."""
    stale = RequirementSet.objects.get(pk=file_lines_draft.pk)
    for line in ("L1", "L2"):
        req_services.revision_file_answer_save(
            revision=stale,
            user=service_user,
            key="drawing",
            upload=pdf(f"{line}.pdf"),
            line=line,
        )
    first, second = entries(file_lines_draft)
    assert first["answers"]["drawing"]["name"] == "L1.pdf"
    assert second["answers"]["drawing"]["name"] == "L2.pdf"


def test_a_patch_past_the_maximum_is_refused_on_its_count_alone(
    service_api,  # noqa: F811
    file_lines_draft,
):
    """Through the API: no entry's form is built, so none of the (wrong) entries
    has an error of its own; the count is the one thing to act on."""
    sent = {"Lines": [{"answers": {"part": "", "qty": "many"}}] * 4}
    response = patch(
        service_api, file_lines_draft, {"answers": {"@lines": sent}, "submit": True}
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["answers.@lines.Lines"]
    assert "at most 3" in errors["answers.@lines.Lines"][0]
