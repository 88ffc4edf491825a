"""Fixtures of the daily-use items: a form with one question of every kind."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orders.models import Channel, Question
from requirements import services as req_services
from tests import factories
from tests.changes.conftest import assess_all, sign

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
    q(
        version=version,
        key="bare_reason",
        label="Why uncoated?",
        required=True,
        show_if_question="coated",
        show_if_values=["no"],
    )
    return factories.publish_version(version)


def drawing() -> SimpleUploadedFile:
    return SimpleUploadedFile("part.pdf", b"%PDF-1.4 test", "application/pdf")


@pytest.fixture
def accepted(client, settings, tmp_path, every_kind, service_user, reviewer, approver):
    """Revision 1 entered and submitted through the page, then accepted."""
    settings.MEDIA_ROOT = tmp_path
    revision = req_services.intake_start(
        user=service_user,
        form_version=every_kind,
        channel=Channel.EMAIL,
        customer=factories.CustomerFactory(),
        documented_statement=True,
    )
    order = revision.order
    client.force_login(service_user)
    header = {
        "customer": order.customer_id,
        "channel": "email",
        "documented_statement": "yes",
    }
    response = client.post(
        reverse("orders:order_edit", args=[order.number]),
        {**header, **POSTED, "a-drawing": drawing(), "submit": "1"},
    )
    assert response.status_code == 302, response.content.decode()
    revision.refresh_from_db()
    assess_all(revision.review, {reviewer.disciplines.get().pk: reviewer})
    sign(revision.review, approver)
    order.refresh_from_db()
    return order
