"""A published form with lines: a PO number asked once, then per line a part,
a quantity, whether it is coated and (when it is) the coating thickness. And a
form whose lines each ask for a drawing (a PDF of at most 2 KB), beside a second
repeating section of tools, with a draft of two lines."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orders.models import Channel, FormSection, Question
from requirements import services as req_services
from tests import factories


@pytest.fixture
def lines_version(engineering, production, quality):
    version = factories.OrderFormVersionFactory(
        form=factories.OrderFormFactory(name="Job shop order", slug="job-shop")
    )
    q = factories.QuestionFactory
    q(version=version, key="po", label="PO number", position=1, discipline=engineering)
    q(
        version=version,
        key="express",
        label="Express?",
        kind=Question.Kind.YES_NO,
        position=2,
        discipline=production,
    )
    common = {"version": version, "section": "Lines"}
    q(
        **common,
        key="part",
        label="Part number",
        required=True,
        position=3,
        discipline=engineering,
    )
    q(
        **common,
        key="qty",
        label="Quantity",
        kind=Question.Kind.INTEGER,
        min_value=1,
        required=True,
        position=4,
        discipline=production,
    )
    q(
        **common,
        key="coated",
        label="Coated?",
        kind=Question.Kind.YES_NO,
        position=5,
        discipline=quality,
    )
    q(
        **common,
        key="thickness",
        label="Coating thickness",
        kind=Question.Kind.INTEGER,
        required=True,
        show_if_question="coated",
        show_if_values=["yes"],
        position=6,
        discipline=quality,
    )
    q(
        **common,
        key="express_date",
        label="Express date",
        kind=Question.Kind.DATE,
        show_if_question="express",
        show_if_values=["yes"],
        position=7,
        discipline=production,
    )
    q(version=version, key="notes", label="Notes", position=8, discipline=engineering)
    FormSection.objects.create(
        version=version, name="Lines", min_entries=1, max_entries=3, entry_label="Line"
    )
    return factories.publish_version(version)


LINES_ANSWERS = {
    "po": "4500123",
    "@lines": {
        "Lines": [
            {"line": "new-1", "answers": {"part": "AB-1", "qty": "500"}},
            {
                "line": "new-2",
                "answers": {
                    "part": "AB-2",
                    "qty": "20",
                    "coated": True,
                    "thickness": 25,
                },
            },
        ]
    },
}


@pytest.fixture
def lines_draft(lines_version, service_user):
    return req_services.intake_start(
        user=service_user,
        form_version=lines_version,
        channel=Channel.PHONE,
        customer=factories.CustomerFactory(),
        answers=LINES_ANSWERS,
    )


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PDF_SHA = hashlib.sha256(PDF).hexdigest()


def pdf(name: str = "drawing.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def file_lines_version(engineering, production):
    version = factories.OrderFormVersionFactory(
        form=factories.OrderFormFactory(name="Drawn parts", slug="drawn-parts")
    )
    q = factories.QuestionFactory
    q(version=version, key="po", label="PO number", position=1, discipline=engineering)
    common = {"version": version, "section": "Lines"}
    q(
        **common,
        key="part",
        label="Part number",
        required=True,
        position=2,
        discipline=engineering,
    )
    q(
        **common,
        key="drawing",
        label="Drawing",
        kind=Question.Kind.FILE,
        allowed_file_types="pdf",
        max_file_size_kb=2,
        position=3,
        discipline=engineering,
    )
    q(
        version=version,
        section="Tools",
        key="tool",
        label="Tool",
        position=4,
        discipline=production,
    )
    FormSection.objects.create(
        version=version, name="Lines", min_entries=1, max_entries=3, entry_label="Line"
    )
    FormSection.objects.create(
        version=version, name="Tools", min_entries=0, max_entries=2, entry_label="Tool"
    )
    return factories.publish_version(version)


@pytest.fixture
def file_lines_draft(file_lines_version, service_user, media):
    return req_services.intake_start(
        user=service_user,
        form_version=file_lines_version,
        channel=Channel.PHONE,
        customer=factories.CustomerFactory(),
        documented_statement=True,
        answers={
            "po": "4500123",
            "@lines": {
                "Lines": [
                    {"line": "new-1", "answers": {"part": "AB-1"}},
                    {"line": "new-2", "answers": {"part": "AB-2"}},
                ],
                "Tools": [{"line": "new-3", "answers": {"tool": "Jig"}}],
            },
        },
    )


def entries(revision, section: str = "Lines") -> list[dict]:
    revision.refresh_from_db()
    return revision.answers["@lines"][section]
