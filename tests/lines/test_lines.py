"""Lines of an order: kept as typed, keyed for good, one requirement per answer."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orders.models import Order
from requirements import services as req_services
from tests.lines.conftest import LINES_ANSWERS


def test_new_lines_get_keys_that_count_up(lines_draft):
    entries = lines_draft.answers["@lines"]["Lines"]
    assert [e["line"] for e in entries] == ["L1", "L2"]
    assert entries[0]["answers"] == {"part": "AB-1", "qty": 500}
    assert lines_draft.answers["@next_line"] == 3


def test_a_removed_line_number_is_never_given_again(lines_draft, service_user):
    answers = dict(lines_draft.answers)
    answers["@lines"] = {
        "Lines": [
            answers["@lines"]["Lines"][0],
            {"line": "new-1", "answers": {"part": "ZZ"}},
        ]
    }
    saved = req_services.revision_answers_save(
        revision=lines_draft, user=service_user, answers=answers
    )
    assert [e["line"] for e in saved.answers["@lines"]["Lines"]] == ["L1", "L3"]


def test_each_line_answer_becomes_a_requirement_named_for_people(
    lines_draft, service_user
):
    revision = req_services.revision_submit(revision=lines_draft, user=service_user)
    rows = list(revision.requirements.order_by("position"))
    assert [(r.key, r.statement) for r in rows] == [
        ("po", "PO number"),
        ("L1.part", "Line 1 · Part number"),
        ("L1.qty", "Line 1 · Quantity"),
        ("L2.part", "Line 2 · Part number"),
        ("L2.qty", "Line 2 · Quantity"),
        ("L2.coated", "Line 2 · Coated?"),
        ("L2.thickness", "Line 2 · Coating thickness"),
    ]
    assert rows[2].value == 500


def test_a_missing_required_answer_in_a_line_stops_the_submit(
    lines_version, service_user
):
    answers = {
        "@lines": {
            "Lines": [{"line": "new-1", "answers": {"part": "AB", "coated": True}}]
        }
    }
    draft = req_services.intake_start(
        user=service_user,
        form_version=lines_version,
        channel="phone",
        customer=lines_draft_customer(),
        answers=answers,
    )
    with pytest.raises(ValidationError) as refused:
        req_services.revision_submit(revision=draft, user=service_user)
    text = " ".join(refused.value.messages)
    assert "Line 1 · Quantity" in text
    assert "Line 1 · Coating thickness" in text


def lines_draft_customer():
    from tests import factories

    return factories.CustomerFactory()


def test_a_line_shows_a_question_by_an_answer_asked_once(lines_version, service_user):
    answers = {
        "express": True,
        "@lines": {
            "Lines": [
                {
                    "line": "new-1",
                    "answers": {"part": "A", "qty": 1, "express_date": "2027-01-05"},
                }
            ]
        },
    }
    draft = req_services.intake_start(
        user=service_user,
        form_version=lines_version,
        channel="phone",
        customer=lines_draft_customer(),
        answers=answers,
    )
    revision = req_services.revision_submit(revision=draft, user=service_user)
    assert revision.requirements.filter(key="L1.express_date").exists()


def _page_post(order, **lines_data):
    data = {
        "customer": order.customer.pk,
        "channel": "phone",
        "customer_reference": "",
        "documented_statement": "yes",
        "a-po": "4500123",
        "a-0-shown": "1",
    }
    data.update(lines_data)
    return data


def test_the_draft_page_shows_each_line_with_its_answers(
    client, service_user, lines_draft
):
    client.force_login(service_user)
    page = client.get(reverse("orders:order_edit", args=[lines_draft.order.number]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Line 1" in text and "Line 2" in text
    assert 'name="a-0-L2-part"' in text and 'value="AB-2"' in text
    assert "Add line" in text
    assert "formkit-entry-template" in text


def test_saving_the_page_keeps_lines_in_the_order_posted(
    client, service_user, lines_draft
):
    client.force_login(service_user)
    url = reverse("orders:order_edit", args=[lines_draft.order.number])
    data = _page_post(lines_draft.order, save="")
    data["a-0-lines"] = ["L2", "new-x1", "L1"]
    data.update(
        {
            "a-0-L2-part": "AB-2",
            "a-0-L2-qty": "800",
            "a-0-new-x1-part": "NEW-9",
            "a-0-new-x1-qty": "abc",
            "a-0-L1-part": "AB-1",
            "a-0-L1-qty": "500",
        }
    )
    response = client.post(url, data)
    # The new line's quantity is not a number: shown again, everything kept.
    assert response.status_code == 200
    assert "Enter a whole number" in response.content.decode()
    lines_draft.refresh_from_db()
    entries = lines_draft.answers["@lines"]["Lines"]
    assert [e["line"] for e in entries] == ["L2", "L3", "L1"]
    assert entries[0]["answers"]["qty"] == 800
    assert entries[1]["answers"] == {"part": "NEW-9", "qty": "abc"}


def test_more_lines_than_the_maximum_are_kept_and_said(
    client, service_user, lines_draft
):
    client.force_login(service_user)
    url = reverse("orders:order_edit", args=[lines_draft.order.number])
    data = _page_post(lines_draft.order, save="")
    keys = ["L1", "L2", "new-a", "new-b"]
    data["a-0-lines"] = keys
    for key in keys:
        data[f"a-0-{key}-part"] = f"P-{key}"
        data[f"a-0-{key}-qty"] = "1"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "takes at most 3 line entries; there are 4" in response.content.decode()
    lines_draft.refresh_from_db()
    assert len(lines_draft.answers["@lines"]["Lines"]) == 4


def test_an_unknown_line_key_is_said_and_kept_as_a_new_line(
    client, service_user, lines_draft
):
    client.force_login(service_user)
    url = reverse("orders:order_edit", args=[lines_draft.order.number])
    data = _page_post(lines_draft.order, save="")
    data["a-0-lines"] = ["L1", "L77"]
    data.update({"a-0-L1-part": "A", "a-0-L1-qty": "1", "a-0-L77-part": "Ghost"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "This order has no line L77" in response.content.decode()
    lines_draft.refresh_from_db()
    entries = lines_draft.answers["@lines"]["Lines"]
    assert [e["line"] for e in entries] == ["L1", "L3"]
    assert entries[1]["answers"] == {"part": "Ghost"}


def test_submitting_from_the_page_makes_line_requirements(
    client, service_user, lines_draft
):
    client.force_login(service_user)
    url = reverse("orders:order_edit", args=[lines_draft.order.number])
    data = _page_post(lines_draft.order, submit="")
    data["a-0-lines"] = ["L1"]
    data.update({"a-0-L1-part": "A", "a-0-L1-qty": "3"})
    response = client.post(url, data)
    text = response.content.decode()
    assert response.status_code == 302, [
        line for line in text.splitlines() if "alert" in line or "invalid" in line
    ]
    revision = lines_draft.order.revisions.get(number=1)
    assert sorted(revision.requirements.values_list("key", flat=True)) == [
        "L1.part",
        "L1.qty",
        "po",
    ]


def test_answers_stay_as_stored_shape(lines_draft):
    assert lines_draft.answers["po"] == LINES_ANSWERS["po"]


def test_a_post_without_the_section_leaves_the_lines_alone(
    client, service_user, lines_draft
):
    client.force_login(service_user)
    url = reverse("orders:order_edit", args=[lines_draft.order.number])
    data = _page_post(lines_draft.order, save="")
    del data["a-0-shown"]
    client.post(url, data)
    lines_draft.refresh_from_db()
    assert [e["line"] for e in lines_draft.answers["@lines"]["Lines"]] == ["L1", "L2"]


@pytest.mark.parametrize(
    ("action", "keys"),
    [
        ("add:a-0-lines", ["L1", "L2", "L3"]),
        ("remove:a-0-lines:L1", ["L2"]),
        ("up:a-0-lines:L2", ["L2", "L1"]),
        ("down:a-0-lines:L2", ["L1", "L2"]),
        ("copy:a-0-lines:L1", ["L1", "L3", "L2"]),
        ("remove:a-0-lines:L9", ["L1", "L2"]),
        ("explode:a-0-lines:L1", ["L1", "L2"]),
        ("add:a-0-lines:<script>", ["L1", "L2"]),
    ],
)
def test_a_line_button_without_javascript_saves_the_draft_with_its_action(
    client, service_user, lines_draft, action, keys
):
    client.force_login(service_user)
    url = reverse("orders:order_edit", args=[lines_draft.order.number])
    data = _page_post(lines_draft.order, line_action=action)
    data["a-0-lines"] = ["L1", "L2"]
    data.update(
        {
            "a-0-L1-part": "AB-1",
            "a-0-L1-qty": "501",
            "a-0-L2-part": "AB-2",
            "a-0-L2-qty": "20",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    lines_draft.refresh_from_db()
    entries = lines_draft.answers["@lines"]["Lines"]
    assert [e["line"] for e in entries] == keys
    parts = {e["line"]: e["answers"].get("part") for e in entries}
    assert parts.get("L1", "AB-1") == "AB-1"
    if action.startswith("copy"):
        assert entries[1]["answers"] == {"part": "AB-1", "qty": 501}
    if action == "add:a-0-lines":
        assert entries[-1]["answers"] == {}


def test_a_line_button_on_the_catalog_page_adds_a_line_and_sends_nothing(
    client, lines_version
):
    url = reverse("orders:catalog_request", args=[lines_version.form.slug])
    data = {
        "c-name": "Jo Visitor",
        "c-company": "Visit Ltd",
        "c-email": "jo@visit.example",
        "a-po": "PO-1",
        "a-0-shown": "1",
        "a-0-lines": ["new-a1"],
        "a-0-new-a1-part": "KEEP-1",
        "a-0-new-a1-qty": "4",
        "line_action": "add:a-0-lines",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert not Order.objects.exists()
    (group,) = response.context["answer_form"].line_groups
    assert len(group.entries) == 2
    page = response.content.decode()
    assert 'value="KEEP-1"' in page and 'value="Jo Visitor"' in page
    # Sent without a line button, the same page is a request.
    del data["line_action"]
    assert client.post(url, data).status_code == 302
    assert Order.objects.count() == 1
