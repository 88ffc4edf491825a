"""The lines of an order through the API: sent under answers."@lines", checked
entry by entry like the draft page, every error named by its place, nothing kept
on a refusal; read back with their answers."""

import pytest
from django.test import Client

from orders.models import Order
from requirements import services as req_services
from tests.api.conftest import service_api  # noqa: F401  (fixture)
from tests.lines.conftest import LINES_ANSWERS

pytestmark = pytest.mark.django_db
ORDERS = "/api/v1/orders/"


def send(client: Client, method: str, url: str, data: object):
    return getattr(client, method)(url, data, content_type="application/json")


def stored_lines(revision) -> list[dict]:
    revision.refresh_from_db()
    return revision.answers["@lines"]["Lines"]


def test_a_new_order_is_entered_with_its_lines_and_submitted(
    service_api,  # noqa: F811
    lines_version,
):
    from tests import factories

    body = {
        "customer": factories.CustomerFactory().pk,
        "form": "job-shop",
        "channel": "email",
        "documented_statement": True,
        "answers": {
            "po": "4500123",
            "@lines": {
                "Lines": [
                    {"answers": {"part": "AB-1", "qty": 500}},
                    {
                        "answers": {
                            "part": "AB-2",
                            "qty": "20",
                            "coated": True,
                            "thickness": 25,
                        }
                    },
                ]
            },
        },
        "submit": True,
    }
    response = send(service_api, "post", ORDERS, body)
    assert response.status_code == 201, response.json()
    order = Order.objects.get(number=response.json()["number"])
    assert order.status == Order.Status.AWAITING_REVIEW
    revision = order.revisions.get()
    keys = set(revision.requirements.values_list("key", flat=True))
    assert {"L1.part", "L1.qty", "L2.part", "L2.thickness"} <= keys
    assert [e["line"] for e in stored_lines(revision)] == ["L1", "L2"]


def test_a_patch_replaces_a_sections_entries_keeping_the_lines_named(
    service_api,  # noqa: F811
    lines_draft,
):
    first, second = stored_lines(lines_draft)
    url = f"{ORDERS}{lines_draft.order.number}/"
    response = send(
        service_api,
        "patch",
        url,
        {
            "answers": {
                "@lines": {
                    "Lines": [
                        {
                            "line": second["line"],
                            "answers": {"part": "AB-2", "qty": 30},
                        },
                        {"answers": {"part": "NEW-9", "qty": 1}},
                    ]
                }
            }
        },
    )
    assert response.status_code == 200, response.json()
    entries = stored_lines(lines_draft)
    assert second["line"] == "L2"
    assert [e["line"] for e in entries] == ["L2", "L3"]
    assert entries[0]["answers"]["qty"] == 30
    assert entries[1]["answers"] == {"part": "NEW-9", "qty": 1}
    assert first["line"] not in {e["line"] for e in entries}
    # Leaving "@lines" out keeps them.
    response = send(service_api, "patch", url, {"answers": {"po": "4500999"}})
    assert response.status_code == 200
    assert [e["line"] for e in stored_lines(lines_draft)] == ["L2", "L3"]


@pytest.mark.parametrize(
    ("lines", "place", "words"),
    [
        ("nope", "answers.@lines", "Send an object"),
        ({"Parts": []}, "answers.@lines.Parts", "no such repeating section"),
        ({"Lines": {"a": 1}}, "answers.@lines.Lines", "Send a list"),
        ({"Lines": ["x"]}, "answers.@lines.Lines.0", "leave out"),
        (
            {"Lines": [{"line": "L99", "answers": {"part": "X", "qty": 1}}]},
            "answers.@lines.Lines.0.line",
            "This order has no line 'L99'",
        ),
        (
            {"Lines": [{"answers": {"po": "X"}}]},
            "answers.@lines.Lines.0.po",
            "no such question in Lines",
        ),
        (
            {"Lines": [{"answers": {"part": ["a", "b"], "qty": 1}}]},
            "answers.@lines.Lines.0.part",
            "not a list",
        ),
        (
            {"Lines": [{"answers": {"part": "X", "qty": "many"}}]},
            "answers.@lines.Lines.0.qty",
            "whole number",
        ),
        (
            {"Lines": [{"answers": {"part": "X", "qty": 1}}] * 4},
            "answers.@lines.Lines",
            "at most 3",
        ),
    ],
)
def test_bad_lines_are_refused_by_their_place_and_nothing_is_kept(
    service_api,  # noqa: F811
    lines_draft,
    lines,
    place,
    words,
):
    before = stored_lines(lines_draft)
    response = send(
        service_api,
        "patch",
        f"{ORDERS}{lines_draft.order.number}/",
        {"answers": {"po": "CHANGED", "@lines": lines}},
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert words in " ".join(errors.get(place, [])), errors
    assert stored_lines(lines_draft) == before
    assert lines_draft.answers["po"] == "4500123"


def test_a_required_answer_missing_in_a_line_stops_the_submit(
    service_api,  # noqa: F811
    lines_draft,
):
    url = f"{ORDERS}{lines_draft.order.number}/"
    response = send(
        service_api,
        "patch",
        url,
        {
            "answers": {"@lines": {"Lines": [{"answers": {"qty": 1}}]}},
            "submit": True,
        },
    )
    assert response.status_code == 400
    assert "answers.@lines.Lines.0.part" in response.json()["errors"]
    assert lines_draft.order.status == Order.Status.DRAFT


def test_a_change_order_reads_back_its_lines(
    service_api,  # noqa: F811
    lines_draft,
    service_user,
):
    submitted = req_services.revision_submit(revision=lines_draft, user=service_user)
    response = service_api.get(
        f"{ORDERS}{submitted.order.number}/revisions/{submitted.number}/"
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "@next_line" not in text
    assert LINES_ANSWERS["@lines"]["Lines"][0]["answers"]["part"] in text
