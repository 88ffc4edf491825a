"""A file chosen in a line on the public catalog request page is held when the
page is shown again (a required answer missing elsewhere, a line button), said
beside its field ("Stored: name"), and reaches the order when the corrected page
is sent without choosing it again; held files are the visitor's own."""

import re

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from orders.models import Order
from tests.lines.conftest import PDF, PDF_SHA, pdf

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="submission_token" value="([^"]+)"')


def _url(version) -> str:
    return reverse("orders:catalog_request", args=[version.form.slug])


def _token(client, url: str) -> str:
    return TOKEN.search(client.get(url).content.decode())[1]


def _post(token: str, **answers) -> dict:
    data = {
        "submission_token": token,
        "c-name": "Jo Visitor",
        "c-company": "Visit Ltd",
        "c-email": "jo@visit.example",
        "a-po": "4500123",
        "a-0-shown": "1",
        "a-0-lines": ["new-x1", "new-x2"],
        "a-0-new-x1-part": "AB-1",
        "a-1-shown": "1",
    }
    data.update(answers)
    return data


def _order_lines() -> list[dict]:
    return Order.objects.get().revisions.get().answers["@lines"]["Lines"]


def test_a_lines_file_survives_an_error_elsewhere_and_reaches_the_order(
    client, file_lines_version, media
):
    url = _url(file_lines_version)
    token = _token(client, url)
    # Line 2's part number, which is required, is left empty.
    response = client.post(
        url,
        _post(token, **{"a-0-new-x2-part": "", "a-0-new-x2-drawing": pdf("line2.pdf")}),
    )
    assert response.status_code == 200
    assert not Order.objects.exists()
    line2 = response.context["answer_form"].line_groups[0].entries[1].form
    assert "part" in line2.errors
    page = response.content.decode()
    assert "Stored: line2.pdf" in page
    assert 'value="AB-1"' in page

    # Corrected, without choosing the file again.
    response = client.post(url, _post(token, **{"a-0-new-x2-part": "AB-2"}))
    assert response.status_code == 302
    first, second = _order_lines()
    assert first["answers"] == {"part": "AB-1"}
    drawing = second["answers"]["drawing"]
    assert (drawing["name"], drawing["sha256"]) == ("line2.pdf", PDF_SHA)
    number = Order.objects.get().number
    assert drawing["path"].startswith(f"uploads/{number}/L2.drawing/")
    with default_storage.open(drawing["path"], "rb") as stored:
        assert stored.read() == PDF
