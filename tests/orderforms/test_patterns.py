"""Answer patterns cannot make a page take exponential time.

A pattern with nested quantifiers or back-references is refused when a question is
saved or imported; a pattern stored before that rule is matched under a time limit,
so the answer gets a message instead of the request hanging.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orders.models import Question
from orders.orderforms import document_checks
from orders.orderforms.answer_form import answer_form_class
from tests import factories

Kind = Question.Kind


def document(pattern: str) -> dict:
    return {
        "slug": "patterned",
        "name": "Patterned",
        "questions": [
            {
                "key": "part",
                "label": "Part",
                "kind": "short_text",
                "pattern": pattern,
                "category": "stated",
                "discipline": "engineering",
            }
        ],
    }


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("(a+)+", "may not contain another repeat"),
        (r"(\w*)*x", "may not contain another repeat"),
        (r"([A-Z]{1,3}-?)+", "may not contain another repeat"),
        (r"(a)\1", "back-references"),
        (r"(?P<x>a)(?P=x)", "back-references"),
    ],
)
def test_a_pattern_that_can_take_exponential_time_is_refused_on_import(
    db, engineering, pattern, problem
):
    problems = document_checks.problems_in(document(pattern))

    assert len(problems) == 1
    assert problems[0].startswith("question 1 (part): ")
    assert problem in problems[0]


@pytest.mark.parametrize(
    "pattern", [r"[A-Z]{2}-\d{4}", r"\d{1,3}(,\d{3})*", r"(ab|cd)+", r"^\d+(\.\d+)?$"]
)
def test_ordinary_patterns_are_accepted(db, engineering, pattern):
    assert document_checks.problems_in(document(pattern)) == []


def test_the_import_page_refuses_a_nested_quantifier(client, form_admin, engineering):
    client.force_login(form_admin)
    upload = SimpleUploadedFile(
        "f.json", json.dumps(document("(a+)+$")).encode(), "application/json"
    )

    response = client.post(reverse("orderforms:form_import"), {"file": upload})

    assert response.status_code == 200
    assert "may not contain another repeat" in response.content.decode()


def test_the_builder_refuses_a_nested_quantifier_beside_the_pattern(
    client, form_admin, engineering
):
    version = factories.OrderFormVersionFactory()
    client.force_login(form_admin)

    response = client.post(
        reverse("orderforms:question_create", args=[version.form.slug, version.number]),
        {
            "key": "part",
            "label": "Part",
            "kind": "short_text",
            "category": "stated",
            "discipline": "engineering",
            "pattern": "(x+x+)+y",
        },
    )

    assert response.status_code == 200
    assert "may not contain another repeat" in " ".join(
        response.context["form"].errors["pattern"]
    )
    assert not version.questions.exists()


def test_a_stored_slow_pattern_gives_the_answer_a_message_in_bounded_time(db):
    version = factories.OrderFormVersionFactory()
    question = factories.QuestionFactory(
        version=version, key="part", kind=Kind.SHORT_TEXT
    )
    # Stored before patterns were checked: alternatives that overlap, repeated.
    Question.objects.filter(pk=question.pk).update(pattern="(?:a|a)+b")
    version.refresh_from_db()
    form = answer_form_class(version)(data={"part": "a" * 26})

    # Unlimited, this answer takes Python's re about 20 seconds, doubling per "a".
    assert not form.is_valid()
    assert "could not be checked against the expected format" in form.errors["part"][0]


def test_a_refused_pattern_is_not_sent_to_the_browser(db):
    version = factories.OrderFormVersionFactory()
    question = factories.QuestionFactory(
        version=version, key="part", kind=Kind.SHORT_TEXT
    )
    Question.objects.filter(pk=question.pk).update(pattern="(a+)+b")
    version.refresh_from_db()

    widget = answer_form_class(version)().fields["part"].widget

    assert "pattern" not in widget.attrs
