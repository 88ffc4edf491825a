"""Django admin: questions edited inline on drafts only; published ones read-only."""

import json

import pytest
from django.urls import reverse

from orders.models import OrderFormVersion
from orders.orderforms import services as orderform_services

Status = OrderFormVersion.Status


@pytest.fixture
def staff_client(client, form_admin):
    form_admin.is_staff = True
    form_admin.save()
    client.force_login(form_admin)
    return client


@pytest.fixture
def draft(db, engineering):
    order_form = orderform_services.form_create(name="Bracket", slug="bracket")
    version = order_form.versions.get()
    orderform_services.question_add(
        version=version,
        item={
            "key": "qty",
            "label": "Quantity",
            "kind": "integer",
            "discipline": "engineering",
            "min_value": 1,
        },
    )
    return version


def inline_post(version: OrderFormVersion, **changes: object) -> dict:
    """The change form's POST for a version with its questions inline."""
    data = {
        "questions-TOTAL_FORMS": "1",
        "questions-INITIAL_FORMS": "1",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    question = version.questions.get()
    fields = {
        "id": question.pk,
        "version": version.pk,
        "key": question.key,
        "label": question.label,
        "help_text": "",
        "kind": question.kind,
        "choices": json.dumps(question.choices),
        "min_value": "1",
        "max_value": "",
        "max_length": "",
        "pattern": "",
        "unit": "",
        "allowed_file_types": "",
        "max_file_size_kb": "",
        "section": "",
        "position": question.position,
        "category": question.category,
        "discipline": question.discipline_id,
        "show_if_question": "",
        "show_if_values": "[]",
        **changes,
    }
    data.update({f"questions-0-{name}": value for name, value in fields.items()})
    return data


def change_url(version: OrderFormVersion) -> str:
    return reverse("admin:orders_orderformversion_change", args=[version.pk])


def test_admin_edits_questions_of_a_draft_inline(staff_client, draft):
    response = staff_client.post(change_url(draft), inline_post(draft, label="Qty"))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert draft.questions.get().label == "Qty"


def test_admin_refuses_a_limit_that_does_not_fit_the_kind(staff_client, draft):
    response = staff_client.post(change_url(draft), inline_post(draft, pattern="x"))
    assert response.status_code == 200
    assert "a whole number question takes no pattern" in response.content.decode()
    assert draft.questions.get().pattern == ""


def test_admin_shows_a_published_version_read_only(staff_client, draft):
    orderform_services.version_publish(version=draft, user=None, change_note="First")
    response = staff_client.get(change_url(draft))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="questions-0-label"' not in page
    assert "Quantity" in page
    response = staff_client.post(change_url(draft), inline_post(draft, label="Hacked"))
    assert response.status_code == 403
    assert draft.questions.get().label == "Quantity"


def test_admin_retire_action_uses_the_service(staff_client, draft):
    orderform_services.version_publish(version=draft, user=None, change_note="First")
    response = staff_client.post(
        reverse("admin:orders_orderformversion_changelist"),
        {"action": "retire", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == Status.RETIRED


def test_admin_start_draft_action_copies_questions(staff_client, draft):
    orderform_services.version_publish(version=draft, user=None, change_note="First")
    staff_client.post(
        reverse("admin:orders_orderform_changelist"),
        {"action": "start_draft", "_selected_action": [draft.form_id]},
    )
    new = draft.form.versions.get(number=2)
    assert new.status == Status.DRAFT
    assert new.questions.get().label == "Quantity"
