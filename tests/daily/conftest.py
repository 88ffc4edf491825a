"""Fixtures of the daily-use items: a form with one question of every kind."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orders.models import Question
from tests import factories

Kind = Question.Kind

# What a browser posts for each kind when the page is submitted as it is shown.
POSTED = {
    "a-name": "Bracket",
    "a-notes": "Deburr all edges",
    "a-pieces": "4",
    "a-length": "5000",
    "a-due": "2030-05-01",
    "a-coated": "yes",
    "a-material": "steel",
    "a-extras": ["drill", "tap"],
    "a-contact": "jo@example.com",
}


@pytest.fixture
def every_kind(engineering):
    """Published: one question of each of the ten kinds."""
    version = factories.OrderFormVersionFactory(
        form=factories.OrderFormFactory(name="Every kind", slug="every-kind")
    )
    q = factories.QuestionFactory
    q(version=version, key="name", label="Part name", required=True)
    q(version=version, key="notes", label="Notes", kind=Kind.LONG_TEXT)
    q(version=version, key="pieces", label="Pieces", kind=Kind.INTEGER, max_value=10)
    q(
        version=version,
        key="length",
        label="Length",
        kind=Kind.DECIMAL,
        unit="mm",
        max_value=9000,
    )
    q(version=version, key="due", label="Due", kind=Kind.DATE)
    q(version=version, key="coated", label="Coated", kind=Kind.YES_NO)
    q(
        version=version,
        key="material",
        label="Material",
        kind=Kind.SINGLE_CHOICE,
        choices=["steel", "brass"],
    )
    q(
        version=version,
        key="extras",
        label="Extras",
        kind=Kind.MULTIPLE_CHOICE,
        choices=["drill", "tap", "polish"],
    )
    q(version=version, key="drawing", label="Drawing", kind=Kind.FILE)
    q(version=version, key="contact", label="Contact", kind=Kind.EMAIL)
    return factories.publish_version(version)


def drawing() -> SimpleUploadedFile:
    return SimpleUploadedFile("part.pdf", b"%PDF-1.4 test", "application/pdf")
