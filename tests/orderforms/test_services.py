"""Builder services: versions, questions, publishing, immutability at every layer."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from orders.models import OrderForm, OrderFormVersion, Question
from orders.orderforms import services as orderform_services
from tests import factories

Status = OrderFormVersion.Status


def item(key: str, **fields: object) -> dict:
    """A question in the import format, short text by default."""
    return {
        "key": key,
        "label": f"{key} label",
        "kind": "short_text",
        "discipline": "engineering",
        "category": "stated",
        **fields,
    }


@pytest.fixture
def draft(db, form_admin, engineering):
    order_form = orderform_services.form_create(
        name="Sheet metal job", slug="sheet-metal", user=form_admin
    )
    return order_form.versions.get()


@pytest.fixture
def published(draft, form_admin):
    orderform_services.question_add(version=draft, item=item("coating", kind="yes_no"))
    orderform_services.question_add(
        version=draft,
        item=item("colour", show_if={"question": "coating", "in": ["yes"]}),
    )
    return orderform_services.version_publish(
        version=draft, user=form_admin, change_note="First release."
    )


def test_form_create_starts_an_empty_draft_version_1(draft, form_admin):
    assert (draft.number, draft.status, draft.created_by) == (
        1,
        Status.DRAFT,
        form_admin,
    )
    with pytest.raises(ValidationError, match="slug 'sheet-metal' exists"):
        orderform_services.form_create(name="Again", slug="sheet-metal")


def test_question_add_appends_in_order(draft):
    first = orderform_services.question_add(version=draft, item=item("a"))
    second = orderform_services.question_add(version=draft, item=item("b"))
    assert first.position < second.position
    assert list(draft.questions.values_list("key", flat=True)) == ["a", "b"]


def test_question_add_refuses_problems_beside_their_fields(draft):
    with pytest.raises(ValidationError) as caught:
        orderform_services.question_add(
            version=draft,
            item=item(
                "finish",
                kind="single_choice",
                unit="mm",
                show_if={"question": "nothing", "in": ["x"]},
            ),
        )
    errors = caught.value.message_dict
    assert errors["choices"] == ["A choice question needs choices."]
    assert errors["unit"] == ["A single choice question takes no unit."]
    assert "not an earlier question" in errors["show_if_question"][0]
    assert not draft.questions.exists()


def test_question_keys_are_unique_in_a_version(draft):
    orderform_services.question_add(version=draft, item=item("a"))
    with pytest.raises(ValidationError, match="already has the key 'a'"):
        orderform_services.question_add(version=draft, item=item("a"))


def test_question_update_renames_and_rules_follow(published, form_admin):
    draft = orderform_services.version_start_draft(form=published.form, user=form_admin)
    coating = draft.questions.get(key="coating")
    orderform_services.question_update(
        question=coating, item=item("coated", kind="yes_no", label="Coated?")
    )
    assert draft.questions.get(key="colour").show_if_question == "coated"
    assert draft.questions.get(key="coated").label == "Coated?"


def test_question_remove_refuses_while_a_rule_depends_on_it(published, form_admin):
    draft = orderform_services.version_start_draft(form=published.form, user=form_admin)
    with pytest.raises(ValidationError, match="colour show only depending on coating"):
        orderform_services.question_remove(question=draft.questions.get(key="coating"))
    orderform_services.question_remove(question=draft.questions.get(key="colour"))
    orderform_services.question_remove(question=draft.questions.get(key="coating"))
    assert not draft.questions.exists()


def test_question_move_swaps_neighbours_but_keeps_controllers_above(draft):
    for key in ("a", "b", "c"):
        orderform_services.question_add(version=draft, item=item(key))
    orderform_services.question_move(
        question=draft.questions.get(key="c"), direction="up"
    )
    assert list(draft.questions.values_list("key", "position")) == [
        ("a", 1),
        ("c", 2),
        ("b", 3),
    ]
    orderform_services.question_add(
        version=draft, item=item("d", show_if={"question": "b", "in": ["x"]})
    )
    with pytest.raises(ValidationError, match="d shows only depending on b"):
        orderform_services.question_move(
            question=draft.questions.get(key="b"), direction="down"
        )
    # Moving the first question up changes nothing.
    orderform_services.question_move(
        question=draft.questions.get(key="a"), direction="up"
    )
    assert draft.questions.get(key="a").position == 1


def test_publish_needs_a_change_note_and_questions(draft, form_admin):
    with pytest.raises(ValidationError, match="at least one question"):
        orderform_services.version_publish(
            version=draft, user=form_admin, change_note="x"
        )
    orderform_services.question_add(version=draft, item=item("a"))
    with pytest.raises(ValidationError) as caught:
        orderform_services.version_publish(
            version=draft, user=form_admin, change_note=" "
        )
    assert caught.value.message_dict == {
        "change_note": ["Say what changed in this version."]
    }


def test_publish_retires_the_previous_version(published, form_admin):
    assert published.status == Status.PUBLISHED
    assert published.published_by == form_admin
    assert published.published_at is not None
    draft = orderform_services.version_start_draft(form=published.form, user=form_admin)
    assert draft.number == 2
    assert list(draft.questions.values_list("key", flat=True)) == ["coating", "colour"]
    orderform_services.version_publish(version=draft, user=form_admin, change_note="v2")
    published.refresh_from_db()
    assert published.status == Status.RETIRED
    statuses = dict(published.form.versions.values_list("number", "status"))
    assert statuses == {1: Status.RETIRED, 2: Status.PUBLISHED}


def test_only_one_draft_at_a_time(published, form_admin):
    orderform_services.version_start_draft(form=published.form, user=form_admin)
    with pytest.raises(ValidationError, match="already a draft in progress"):
        orderform_services.version_start_draft(form=published.form, user=form_admin)


def test_retire_only_a_published_version(published, form_admin):
    orderform_services.version_retire(version=published)
    published.refresh_from_db()
    assert published.status == Status.RETIRED
    with pytest.raises(ValidationError, match="Only a published version"):
        orderform_services.version_retire(version=published)


def test_discard_a_draft_but_never_a_published_version(published, form_admin):
    draft = orderform_services.version_start_draft(form=published.form, user=form_admin)
    orderform_services.version_discard(version=draft)
    assert not OrderFormVersion.objects.filter(pk=draft.pk).exists()
    with pytest.raises(ValidationError, match="is published and cannot be changed"):
        orderform_services.version_discard(version=published)


# --- immutability: service, database, orders ------------------------------------------


def test_services_refuse_to_change_a_published_version(published, form_admin):
    question = published.questions.get(key="colour")
    message = "version 1 is published and cannot be changed"
    with pytest.raises(ValidationError, match=message):
        orderform_services.question_add(version=published, item=item("new"))
    with pytest.raises(ValidationError, match=message):
        orderform_services.question_update(question=question, item=item("colour2"))
    with pytest.raises(ValidationError, match=message):
        orderform_services.question_remove(question=question)
    with pytest.raises(ValidationError, match=message):
        orderform_services.question_move(question=question, direction="up")
    with pytest.raises(ValidationError, match=message):
        orderform_services.version_publish(
            version=published, user=form_admin, change_note="again"
        )
    question.refresh_from_db()
    assert question.key == "colour"


def test_services_refuse_to_change_a_retired_version(published):
    orderform_services.version_retire(version=published)
    with pytest.raises(ValidationError, match="version 1 is retired"):
        orderform_services.question_add(version=published, item=item("new"))


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE orders_question SET label = 'changed' WHERE version_id = %s",
        "DELETE FROM orders_question WHERE version_id = %s",
        "UPDATE orders_orderformversion SET change_note = 'rewritten' WHERE id = %s",
        "DELETE FROM orders_orderformversion WHERE id = %s",
    ],
)
def test_database_refuses_raw_sql_on_a_published_version(published, sql):
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [published.pk])
    assert published.questions.get(key="colour").label == "colour label"


def test_database_refuses_model_saves_on_a_published_question(published):
    question = published.questions.get(key="colour")
    question.label = "sneaky"
    with pytest.raises(IntegrityError), transaction.atomic():
        question.save()


def test_database_allows_only_one_published_version_per_form(published):
    second = factories.OrderFormVersionFactory(form=published.form, number=9)
    second.status = Status.PUBLISHED
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_an_order_keeps_its_version_after_the_form_changes(published, form_admin):
    order = factories.OrderFactory(form_version=published)
    draft = orderform_services.version_start_draft(form=published.form, user=form_admin)
    orderform_services.question_update(
        question=draft.questions.get(key="colour"), item=item("colour", label="Hue")
    )
    orderform_services.version_publish(
        version=draft, user=form_admin, change_note="Hue"
    )
    order.refresh_from_db()
    assert order.form_version_id == published.pk
    assert order.form_version.questions.get(key="colour").label == "colour label"
    assert Question.objects.filter(version=draft, label="Hue").exists()
    assert OrderForm.objects.count() == 1
