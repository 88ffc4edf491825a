"""A question's verdict depends on other questions (issue 21 item 4): declared in the
builder, the JSON file and the admin alike, checked against the version."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orders.models import OrderFormVersion
from orders.orderforms import document_checks, json_io
from orders.orderforms import services as orderform_services

pytestmark = pytest.mark.django_db

HOSTILE = "{{ request.user.password }}\n<script>alert(1)</script>\n{% debug %}"


def question(key: str, **fields: object) -> dict:
    return {
        "key": key,
        "label": f"{key} label",
        "kind": "short_text",
        "discipline": "engineering",
        "category": "stated",
        **fields,
    }


def document(*questions: dict) -> dict:
    return {"slug": "parts", "name": "Parts", "questions": list(questions)}


@pytest.fixture
def draft(engineering, production) -> OrderFormVersion:
    """quantity, delivery_date depending on it, and a free-standing part number."""
    version = orderform_services.form_create(name="Parts", slug="parts").versions.get()
    for item in (
        question("part_number"),
        question("quantity", kind="integer", discipline="production"),
        question(
            "delivery_date",
            kind="date",
            discipline="production",
            depends_on=["quantity"],
        ),
    ):
        orderform_services.question_add(version=version, item=item)
    return version


@pytest.fixture
def admin_client(client, form_admin):
    client.force_login(form_admin)
    return client


def edit_url(version: OrderFormVersion, key: str) -> str:
    question_pk = version.questions.get(key=key).pk
    return reverse(
        "orderforms:question_edit",
        args=[version.form.slug, version.number, question_pk],
    )


def edit_post(**fields: str) -> dict:
    return {
        "key": "delivery_date",
        "label": "Delivery date",
        "kind": "date",
        "category": "delivery",
        "discipline": "production",
        **fields,
    }


def test_dependencies_survive_an_export_and_import(draft, form_admin):
    orderform_services.version_publish(version=draft, user=form_admin, change_note="1")
    exported = json_io.version_to_dict(draft)
    assert [q["depends_on"] for q in exported["questions"]] == [[], [], ["quantity"]]

    again = orderform_services.version_import(
        data=json.loads(json.dumps(exported)), user=form_admin
    )

    assert json_io.version_to_dict(again) == exported
    assert again.questions.get(key="delivery_date").depends_on == ["quantity"]


def test_a_new_draft_keeps_the_dependencies(draft, form_admin):
    orderform_services.version_publish(version=draft, user=form_admin, change_note="1")
    new = orderform_services.version_start_draft(form=draft.form, user=form_admin)
    assert new.questions.get(key="delivery_date").depends_on == ["quantity"]


def test_a_file_with_bad_dependencies_is_refused_naming_each(engineering):
    problems = document_checks.problems_in(
        document(
            question("a", depends_on=["a"]),
            question("b", depends_on=["weight"]),
            question("c", depends_on="b"),
            question("d", depends_on=["e"]),
            question("e", depends_on=["d"]),
        )
    )
    assert problems == [
        "question 1 (a): depends_on names the question itself",
        "question 2 (b): depends_on names 'weight', which is not a question of "
        "this form",
        "question 3 (c): depends_on must be a list of question keys",
        "question 4 (d): depends_on goes round in a circle: d → e → d",
        "question 5 (e): depends_on goes round in a circle: e → d → e",
    ]


def test_a_question_may_depend_on_a_later_one(engineering):
    assert not document_checks.problems_in(
        document(question("capacity", depends_on=["date"]), question("date"))
    )


def test_builder_saves_dependencies_typed_one_per_line(admin_client, draft):
    response = admin_client.post(
        edit_url(draft, "delivery_date"),
        edit_post(depends_on=" quantity \npart_number\n"),
    )
    assert response.status_code == 302
    saved = draft.questions.get(key="delivery_date")
    assert saved.depends_on == ["quantity", "part_number"]
    page = admin_client.get(edit_url(draft, "delivery_date")).content.decode()
    assert "quantity\npart_number</textarea>" in page


def test_version_page_lists_what_each_verdict_depends_on(admin_client, draft):
    page = admin_client.get(
        reverse("orderforms:version_detail", args=["parts", draft.number])
    ).content.decode()
    assert page.count("Verdict depends on") == 1
    assert "Verdict depends on quantity" in page


def test_builder_shows_hostile_text_escaped_beside_the_field(admin_client, draft):
    response = admin_client.post(
        edit_url(draft, "delivery_date"),
        edit_post(depends_on=HOSTILE, label="Delivery <b>date</b>"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Depends_on must be a list of question keys." in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "{{ request.user.password }}" in page  # shown as typed, never run
    assert 'value="Delivery &lt;b&gt;date&lt;/b&gt;"' in page
    assert draft.questions.get(key="delivery_date").label == "delivery_date label"


def test_builder_refuses_unknown_self_and_circular_dependencies(admin_client, draft):
    for typed, message in (
        ("weight", "Depends_on names &#x27;weight&#x27;, which is not a question"),
        ("delivery_date", "Depends_on names the question itself."),
    ):
        response = admin_client.post(
            edit_url(draft, "delivery_date"), edit_post(depends_on=typed)
        )
        assert response.status_code == 200
        assert message in response.content.decode()
        assert f"{typed}</textarea>" in response.content.decode()

    quantity = {
        "key": "quantity",
        "label": "Quantity",
        "kind": "integer",
        "category": "stated",
        "discipline": "production",
        "depends_on": "delivery_date",
    }
    response = admin_client.post(edit_url(draft, "quantity"), quantity)
    assert response.status_code == 200
    assert (
        "Depends_on goes round in a circle: quantity → delivery_date → quantity."
        in response.content.decode()
    )
    assert draft.questions.get(key="quantity").depends_on == []
    assert draft.questions.get(key="delivery_date").depends_on == ["quantity"]


def test_renaming_a_question_carries_its_dependants_along(draft):
    quantity = draft.questions.get(key="quantity")
    item = json_io.question_to_dict(quantity, "production")
    orderform_services.question_update(question=quantity, item={**item, "key": "qty"})
    assert draft.questions.get(key="delivery_date").depends_on == ["qty"]


def test_a_question_others_depend_on_cannot_be_removed(draft):
    with pytest.raises(ValidationError, match="delivery_date depend on quantity"):
        orderform_services.question_remove(question=draft.questions.get(key="quantity"))
    assert draft.questions.filter(key="quantity").exists()


def test_a_rename_that_closes_a_circle_is_refused_beside_depends_on(draft):
    """delivery_date -> quantity -> part_number. Renaming part_number to part_no
    while making it depend on delivery_date closes the circle only once quantity
    follows the rename: the problem is named on depends_on, and nothing is saved."""
    quantity = draft.questions.get(key="quantity")
    orderform_services.question_update(
        question=quantity,
        item={
            **json_io.question_to_dict(quantity, "production"),
            "depends_on": ["part_number"],
        },
    )
    part = draft.questions.get(key="part_number")

    with pytest.raises(ValidationError) as refused:
        orderform_services.question_update(
            question=part,
            item={
                **json_io.question_to_dict(part, "engineering"),
                "key": "part_no",
                "depends_on": ["delivery_date"],
            },
        )

    assert "goes round in a circle" in refused.value.message_dict["depends_on"][0]
    assert draft.questions.filter(key="part_number").exists()
    assert draft.questions.get(key="quantity").depends_on == ["part_number"]
