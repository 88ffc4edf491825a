"""A draft's lines read back from its revision: draft_lines gives every entry of
the repeating sections in the shape a PATCH sends under answers."@lines" (a
line's file as its name, size and hash), so what a client sends it can read, and
what it reads it can send again; the same queries however many lines. And an
update whose lines are over the maximum has no form and can never be kept."""

import pytest
import schemathesis
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework import exceptions

from api import services
from api.views.draft_answers import AnswerUpdate
from orders.models import Channel
from requirements import services as req_services
from tests import factories
from tests.api.test_schema import READ_CHECKS, SCHEMA_URL, wsgi_app
from tests.lines.conftest import (
    PDF,
    PDF_SHA,
    file_lines_draft,
    file_lines_version,
    lines_draft,
    lines_version,
    media,
    pdf,
)

__all__ = [
    "file_lines_draft",
    "file_lines_version",
    "lines_draft",
    "lines_version",
    "media",
    "wsgi_app",
]

pytestmark = pytest.mark.django_db
ORDERS = "/api/v1/orders/"
HOSTILE = (
    "<script>alert(1)</script>",
    "{{ request.user.password }}",
    "{% debug %}",
    "<b>{{ x|safe }}</b> & {% include 'base.html' %}",
)


def revision_url(revision) -> str:
    return f"{ORDERS}{revision.order.number}/revisions/{revision.number}/"


def patch_lines(client: Client, revision, sections: dict):
    return client.patch(
        f"{ORDERS}{revision.order.number}/",
        {"answers": {"@lines": sections}},
        content_type="application/json",
    )


def read(client: Client, revision) -> dict:
    response = client.get(revision_url(revision))
    assert response.status_code == 200, response.content
    return response.json()


def without_files(sections: dict) -> dict:
    """The lines as a PATCH may send them back: a file travels only by upload,
    and an entry sent without its file answer keeps the file."""
    return {
        name: [
            {
                "line": entry["line"],
                "answers": {
                    key: value
                    for key, value in entry["answers"].items()
                    if not (isinstance(value, dict) and "sha256" in value)
                },
            }
            for entry in entries
        ]
        for name, entries in sections.items()
    }


def test_patched_lines_and_an_uploaded_line_file_read_back_from_the_draft(
    service_api, file_lines_draft
):
    response = patch_lines(
        service_api,
        file_lines_draft,
        {
            "Lines": [
                {"line": "L2", "answers": {"part": "AB-2b"}},
                {"answers": {"part": "NEW-9"}},
            ]
        },
    )
    assert response.status_code == 200, response.json()
    url = f"{ORDERS}{file_lines_draft.order.number}/lines/L2/files/drawing/"
    assert service_api.post(url, {"file": pdf("l2.pdf")}).status_code == 200

    body = read(service_api, file_lines_draft)
    assert body["draft_lines"] == {
        "Lines": [
            {
                "line": "L2",
                "answers": {
                    "part": "AB-2b",
                    "drawing": {
                        "name": "l2.pdf",
                        "size": len(PDF),
                        "sha256": PDF_SHA,
                        "content_type": "application/pdf",
                    },
                },
            },
            # L1 left out of the section is gone; a new line counts on past L3.
            {"line": "L4", "answers": {"part": "NEW-9"}},
        ],
        # A section not sent keeps its entries.
        "Tools": [{"line": "L3", "answers": {"tool": "Jig"}}],
    }
    # The questions asked once stay in draft_answers, as before.
    assert body["draft_answers"] == [
        {"key": "po", "label": "PO number", "display": "4500123"}
    ]
    # Where the file is stored is ours.
    assert "path" not in str(body["draft_lines"])


def test_the_lines_read_are_sent_back_unchanged_and_keep_their_file(
    service_api, file_lines_draft
):
    url = f"{ORDERS}{file_lines_draft.order.number}/lines/L1/files/drawing/"
    assert service_api.post(url, {"file": pdf()}).status_code == 200
    before = read(service_api, file_lines_draft)["draft_lines"]
    assert before["Lines"][0]["answers"]["drawing"]["sha256"] == PDF_SHA

    response = patch_lines(service_api, file_lines_draft, without_files(before))
    assert response.status_code == 200, response.json()
    assert read(service_api, file_lines_draft)["draft_lines"] == before


def test_typed_line_answers_are_sent_back_as_read(service_api, lines_draft):
    before = read(service_api, lines_draft)["draft_lines"]
    first, second = before["Lines"]
    assert first == {"line": "L1", "answers": {"part": "AB-1", "qty": 500}}
    assert second["line"] == "L2" and second["answers"]["thickness"] == 25
    # No file question in these lines: the body read is the body sent.
    response = patch_lines(service_api, lines_draft, before)
    assert response.status_code == 200, response.json()
    assert read(service_api, lines_draft)["draft_lines"] == before


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_in_a_line_reads_back_as_plain_data(
    service_api, lines_draft, text
):
    response = service_api.patch(
        f"{ORDERS}{lines_draft.order.number}/",
        {
            "answers": {
                "po": text,
                "@lines": {
                    "Lines": [{"line": "L1", "answers": {"part": text, "qty": 1}}]
                },
            }
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    response = service_api.get(revision_url(lines_draft))
    assert response["Content-Type"] == "application/json"
    body = response.json()
    [entry] = body["draft_lines"]["Lines"]
    assert entry == {"line": "L1", "answers": {"part": text, "qty": 1}}
    assert body["draft_answers"] == [
        {"key": "po", "label": "PO number", "display": text}
    ]


def test_a_form_without_lines_and_a_submitted_revision_show_no_draft_lines(
    service_api, change_version, lines_draft, service_user
):
    draft = req_services.intake_start(
        user=service_user,
        form_version=change_version,
        channel=Channel.PHONE,
        customer=factories.CustomerFactory(),
        documented_statement=True,
        answers={"part_number": "AX-9"},
    )
    body = read(service_api, draft)
    assert body["draft_lines"] == {}
    assert body["draft_answers"] == [
        {"key": "part_number", "label": "Part number", "display": "AX-9"}
    ]
    submitted = req_services.revision_submit(revision=lines_draft, user=service_user)
    body = read(service_api, submitted)
    assert body["draft_lines"] == {} and body["draft_answers"] == []
    assert any(row["key"] == "L1.part" for row in body["requirements"])


def test_a_drafts_lines_answer_within_the_schema(
    wsgi_app, file_lines_draft, service_user
):
    # Stored by the upload's service: Django's test client would reconnect
    # close_old_connections, which the in-process WSGI call must not run.
    req_services.revision_file_answer_save(
        revision=file_lines_draft,
        user=service_user,
        key="drawing",
        upload=pdf(),
        line="L2",
    )
    _token, key = services.api_token_create(user=service_user, name="schema")
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app)
    operation = schema[f"{ORDERS}{{number}}/revisions/{{revision}}/"]["GET"]
    case = operation.Case(
        path_parameters={"number": file_lines_draft.order.number, "revision": 1}
    )
    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {key}"}, checks=READ_CHECKS
    )
    assert response.status_code == 200
    assert [e["line"] for e in response.json()["draft_lines"]["Lines"]] == ["L1", "L2"]
    described = schema.raw_schema["components"]["schemas"]["RevisionDetail"]
    lines_field = described["properties"]["draft_lines"]
    assert lines_field["additionalProperties"]["items"]["required"] == [
        "line",
        "answers",
    ]


# Pinned like tests/api/test_revision_queries.py: token request (4); the order;
# the revisions with people, review, decision, confirmation (2); their
# notifications; the requirements; the disposal; the draft's questions. The
# lines come from the stored answers: no query of their own.
DRAFT_DETAIL_QUERIES = 10


def _queries(client: Client, revision) -> int:
    with CaptureQueriesContext(connection) as captured:
        read(client, revision)
    return len(captured)


def test_a_drafts_revision_runs_the_same_queries_however_many_lines(
    service_api, lines_draft
):
    few = _queries(service_api, lines_draft)
    many_lines = [
        {"answers": {"part": f"P-{n}", "qty": n, "coated": True, "thickness": 2}}
        for n in range(1, 4)
    ]
    assert patch_lines(service_api, lines_draft, {"Lines": many_lines}).status_code == (
        200
    )
    many = _queries(service_api, lines_draft)
    assert (few, many) == (DRAFT_DETAIL_QUERIES, DRAFT_DETAIL_QUERIES)


def test_lines_over_the_maximum_make_an_update_that_cannot_be_kept(
    lines_draft, service_user
):
    stored = dict(lines_draft.answers)
    too_many = [{"answers": {"part": "X", "qty": 1}}] * 4
    update = AnswerUpdate(lines_draft, {"answers": {"@lines": {"Lines": too_many}}})
    assert update.form is None
    assert "at most 3" in update.errors["answers.@lines.Lines"][0]
    with pytest.raises(exceptions.ValidationError):
        update.save(service_user)
    lines_draft.refresh_from_db()
    assert lines_draft.answers == stored
