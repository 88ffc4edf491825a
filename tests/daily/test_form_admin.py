"""What a form admin can say about a question: units on whole numbers, a hint for a
pattern, the order header field an answer fills; and how customers see it."""

import json

import pytest
from django.urls import reverse

from devtools.demo import demo_forms_seed
from orders.models import Question
from orders.orderforms import document_checks, json_io
from orders.orderforms import services as orderform_services
from orders.orderforms.answer_form import answer_form_class
from orders.orderforms.answers import display_value
from tests.orderforms.test_views import item

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(engineering):
    order_form = orderform_services.form_create(name="Job", slug="job")
    return order_form.versions.get()


def builder_post(**fields: object) -> dict:
    return {
        "key": "hours",
        "label": "Hours",
        "kind": "integer",
        "category": "stated",
        "discipline": "engineering",
        **fields,
    }


def test_a_whole_number_question_takes_a_unit_in_the_builder(client, form_admin, draft):
    client.force_login(form_admin)
    address = reverse("orderforms:question_create", args=["job", draft.number])
    response = client.post(address, builder_post(unit="hours", max_value="40"))
    assert response.status_code == 302, response.content.decode()
    question = draft.questions.get()
    assert question.unit == "hours"
    assert display_value(question, 12) == "12 hours"
    form = answer_form_class(draft)(data={"hours": "41"})
    assert form.errors["hours"] == ["Enter at most 40 hours."]
    page = client.get(reverse("orderforms:version_detail", args=["job", 1])).content
    assert b"(hours)" in page


def test_the_unit_is_shown_beside_a_whole_number_answer_box(draft):
    orderform_services.question_add(
        version=draft, item=item("hours", kind="integer", unit="hours")
    )
    from django.template import engines

    rendered = (
        engines["django"]
        .from_string("{% load crispy_forms_tags %}{% crispy form form.helper %}")
        .render({"form": answer_form_class(draft)()})
    )
    assert '<span class="input-group-text">hours</span>' in rendered


def test_a_decimal_limit_reads_as_written_with_its_unit(draft):
    orderform_services.question_add(
        version=draft,
        item=item("length", kind="decimal", unit="mm", max_value=150, min_value="0.5"),
    )
    form_class = answer_form_class(draft)
    assert form_class(data={"length": "151"}).errors["length"] == [
        "Enter at most 150 mm."
    ]
    assert form_class(data={"length": "0.25"}).errors["length"] == [
        "Enter at least 0.5 mm."
    ]


def test_a_pattern_failure_shows_the_admins_hint(client, form_admin, draft):
    client.force_login(form_admin)
    address = reverse("orderforms:question_create", args=["job", draft.number])
    response = client.post(
        address,
        builder_post(
            key="part",
            label="Part",
            kind="short_text",
            pattern="[A-Z]{2}-[0-9]{4}",
            pattern_hint="two capitals, a dash and four digits, e.g. AB-1234",
        ),
    )
    assert response.status_code == 302, response.content.decode()
    errors = answer_form_class(draft)(data={"part": "ab12"}).errors["part"]
    assert errors == [
        "Enter a value in the expected format: two capitals, a dash and four "
        "digits, e.g. AB-1234."
    ]


def test_a_hint_without_a_pattern_is_refused(draft):
    problems = document_checks.question_problems(
        item("part", pattern_hint="e.g. AB-1234"),
        earlier={},
        disciplines={"engineering"},
    )
    assert ("pattern_hint", "pattern_hint needs a pattern") in problems


def test_maps_to_needs_the_fitting_kind_and_one_question_per_field(
    client, form_admin, draft
):
    client.force_login(form_admin)
    address = reverse("orderforms:question_create", args=["job", draft.number])
    response = client.post(
        address,
        builder_post(
            key="due", label="Due", kind="short_text", maps_to="requested_date"
        ),
    )
    assert response.status_code == 200
    assert (
        "Only a date question can fill the order&#x27;s requested delivery date."
        in response.content.decode()
    )
    assert not draft.questions.exists()
    response = client.post(
        address,
        builder_post(key="due", label="Due", kind="date", maps_to="requested_date"),
    )
    assert response.status_code == 302
    response = client.post(
        address,
        builder_post(key="due2", label="Due 2", kind="date", maps_to="requested_date"),
    )
    assert response.status_code == 200
    assert (
        "already fills the order&#x27;s requested delivery date"
        in response.content.decode()
    )
    assert draft.questions.get().maps_to == Question.MapsTo.REQUESTED_DATE


def test_export_and_import_carry_maps_to_hint_and_integer_unit(draft, form_admin):
    orderform_services.question_add(
        version=draft,
        item=item("due", kind="date", maps_to="requested_date"),
    )
    orderform_services.question_add(
        version=draft,
        item=item("part", pattern="[A-Z]+", pattern_hint="capitals only"),
    )
    orderform_services.question_add(
        version=draft, item=item("hours", kind="integer", unit="hours")
    )
    document = json_io.version_to_dict(draft)
    document["slug"] = "job-copy"
    copy = orderform_services.version_import(
        data=json.loads(json.dumps(document)), user=form_admin, publish=False
    )
    by_key = {q.key: q for q in copy.questions.all()}
    assert by_key["due"].maps_to == "requested_date"
    assert by_key["part"].pattern_hint == "capitals only"
    assert by_key["hours"].unit == "hours"


def test_import_refuses_two_questions_mapped_to_one_field(engineering):
    document = {
        "slug": "two",
        "name": "Two",
        "questions": [
            item("a", kind="email", maps_to="contact_email"),
            item("b", kind="email", maps_to="contact_email"),
        ],
    }
    problems = document_checks.problems_in(document)
    assert problems == [
        "question 2 (b): question 'a' already fills the order's contact e-mail"
    ]


def test_demo_forms_map_their_delivery_date_reference_and_contact(engineering):
    from tests import factories

    for slug in ("quality", "production", "commercial"):
        factories.discipline(slug)
    demo_forms_seed()
    mapped = set(
        Question.objects.exclude(maps_to="").values_list(
            "version__form__slug", "maps_to"
        )
    )
    assert mapped == {
        ("cnc-machining", "requested_date"),
        ("cnc-machining", "contact_email"),
        ("calibration-service", "customer_reference"),
        ("calibration-service", "contact_email"),
        ("job-shop-lines", "customer_reference"),
        ("job-shop-lines", "requested_date"),
    }
