"""Repeating sections of an order form: the builder, the JSON file, the database."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from orders.models import FormSection, OrderFormVersion
from orders.orderforms import document_checks, json_io
from orders.orderforms import services as orderform_services
from tests import factories


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
def lines_document(engineering) -> dict:
    return {
        "slug": "job-lines",
        "name": "Job with lines",
        "description": "",
        "questions": [
            question("po", label="PO number"),
            question("part", section="Lines", required=True),
            question("qty", kind="integer", section="Lines", min_value=1),
            question("coated", kind="yes_no", section="Lines"),
            question(
                "thickness",
                kind="integer",
                section="Lines",
                show_if={"question": "coated", "in": ["yes"]},
            ),
        ],
        "sections": [
            {
                "name": "Lines",
                "repeating": True,
                "min_entries": 1,
                "max_entries": 200,
                "entry_label": "Line",
            }
        ],
    }


def test_a_repeating_section_travels_through_export_and_import(lines_document):
    version = orderform_services.version_import(data=lines_document)
    section = version.sections.get()
    assert (section.name, section.min_entries, section.max_entries) == (
        "Lines",
        1,
        200,
    )
    exported = json_io.version_to_dict(version)
    assert exported["sections"] == lines_document["sections"]


def test_a_flat_form_exports_no_sections_list(engineering):
    version = factories.OrderFormVersionFactory()
    factories.QuestionFactory(version=version, key="a")
    assert "sections" not in json_io.version_to_dict(version)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"min_entries": 5, "max_entries": 2}, "min_entries (5) is more than"),
        ({"max_entries": 0}, "max_entries must be a whole number from 1 to 500"),
        ({"max_entries": "many"}, "max_entries must be a whole number"),
        ({"min_entries": -1}, "min_entries must be a whole number, 0 or more"),
        ({"entry_label": ""}, "entry_label must name one entry"),
        ({"repeating": "yes"}, "repeating must be true or false"),
        ({"name": "Nowhere"}, "no question is in the section 'Nowhere'"),
        ({"colour": "red"}, "unknown attribute 'colour'"),
    ],
)
def test_an_import_with_a_bad_section_is_refused_with_a_clear_message(
    lines_document, change, message
):
    lines_document["sections"][0].update(change)
    problems = document_checks.problems_in(lines_document)
    assert any(message in p for p in problems), problems
    with pytest.raises(ValidationError):
        orderform_services.version_import(data=lines_document)
    assert not FormSection.objects.exists()


def test_a_question_outside_a_line_cannot_show_if_on_a_line_answer(lines_document):
    lines_document["questions"].append(
        question("note", show_if={"question": "coated", "in": ["yes"]})
    )
    problems = document_checks.problems_in(lines_document)
    assert any("which line's answer?" in p for p in problems), problems


def test_a_line_question_cannot_supply_a_header_fact(lines_document):
    lines_document["questions"][1]["maps_to"] = "customer_reference"
    problems = document_checks.problems_in(lines_document)
    assert any("cannot supply an order header fact" in p for p in problems)


def test_the_database_refuses_min_above_max(engineering):
    version = factories.OrderFormVersionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        FormSection.objects.create(
            version=version, name="Lines", min_entries=3, max_entries=2
        )


def test_sections_of_a_published_version_never_change(lines_document):
    version = orderform_services.version_import(
        data=lines_document, publish=True, change_note="first"
    )
    section = version.sections.get()
    section.max_entries = 3
    with pytest.raises(IntegrityError), transaction.atomic():
        section.save()


def test_a_new_draft_keeps_the_repeating_sections(lines_document, form_admin):
    version = orderform_services.version_import(
        data=lines_document, publish=True, change_note="first"
    )
    draft = orderform_services.version_start_draft(form=version.form)
    assert [s.name for s in draft.sections.all()] == ["Lines"]


def test_form_admin_marks_a_section_repeating_in_the_builder(
    client, form_admin, lines_document
):
    del lines_document["sections"]
    version = orderform_services.version_import(data=lines_document)
    client.force_login(form_admin)
    url = reverse("orderforms:version_sections", args=[version.form.slug, 1])
    page = client.get(url)
    assert page.status_code == 200
    assert "Lines" in page.content.decode()
    data = {
        "name": "Lines",
        "repeating": "on",
        "min_entries": "2",
        "max_entries": "1",
        "entry_label": "Part",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "is more than max_entries" in refused.content.decode()
    assert 'value="Part"' in refused.content.decode()
    assert not version.sections.exists()
    data["max_entries"] = "30"
    assert client.post(url, data).status_code == 302
    section = version.sections.get()
    assert (section.min_entries, section.max_entries, section.entry_label) == (
        2,
        30,
        "Part",
    )
    detail_url = reverse("orderforms:version_detail", args=[version.form.slug, 1])
    detail = client.get(detail_url)
    assert "Repeating section" in detail.content.decode()
    # Unticking makes it a plain section again.
    data.pop("repeating")
    assert client.post(url, data).status_code == 302
    assert not version.sections.exists()


def test_auditor_reads_but_cannot_change_sections(client, auditor, lines_document):
    version = orderform_services.version_import(data=lines_document)
    client.force_login(auditor)
    url = reverse("orderforms:version_sections", args=[version.form.slug, 1])
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "Lines"}).status_code == 403


def test_removing_the_last_question_of_a_repeating_section_drops_it(lines_document):
    lines_document["questions"] = lines_document["questions"][:2]
    version = orderform_services.version_import(data=lines_document)
    part = version.questions.get(key="part")
    orderform_services.question_remove(question=part)
    assert not version.sections.exists()
    assert json.dumps(json_io.version_to_dict(version))
    assert OrderFormVersion.objects.get(pk=version.pk).status == "draft"


def test_a_section_imported_as_not_repeating_is_shown_as_asked_once(
    client, form_admin, lines_document
):
    lines_document["sections"][0]["repeating"] = False
    version = orderform_services.version_import(data=lines_document)
    client.force_login(form_admin)
    detail = client.get(
        reverse("orderforms:version_detail", args=[version.form.slug, 1])
    ).content.decode()
    assert "Repeating section" not in detail
    assert "<strong>Lines</strong>, asked once." in detail


def test_the_builder_previews_show_lines_as_the_draft_page_does(
    client, form_admin, lines_document
):
    version = orderform_services.version_import(data=lines_document)
    client.force_login(form_admin)
    live = client.post(
        reverse("orderforms:question_preview", args=[version.form.slug, 1]),
        {"key": "x"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "formkit-lines" in live and "Add line" in live
    address = reverse("orderforms:version_preview", args=[version.form.slug, 1])
    page = client.get(address).content.decode()
    assert "formkit-lines" in page
    # Without JavaScript "Add line" shows the preview again with one more line.
    added = client.post(
        address,
        {"preview-0-shown": "1", "line_action": "add:preview-0-lines"},
    )
    assert added.status_code == 200
    (group,) = added.context["preview"].line_groups
    assert len(group.entries) == 1
    assert "these would be kept" not in added.content.decode()
    # Checking answers names each line's answer by its line.
    checked = client.post(
        address,
        {
            "preview-0-shown": "1",
            "preview-0-lines": ["new-a", "new-b"],
            "preview-0-new-a-part": "AB-<b>1</b>",
            "preview-0-new-b-part": "AB-2",
        },
    )
    text = checked.content.decode()
    assert "these would be kept" in text, text
    assert "Line 1 · part?" in text and "Line 2 · part?" in text
    assert "AB-&lt;b&gt;1&lt;/b&gt;" in text
