"""A file chosen in a line on the public catalog request page is held when the
page is shown again (a required answer missing elsewhere, a line button), said
beside its field ("Stored: name"), and reaches the order when the corrected page
is sent without choosing it again; held files are the visitor's own."""

import datetime
import os
import re

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from orders import held_uploads
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


def _held_files(media) -> list[str]:
    held = media / held_uploads.HELD_FOLDER
    return sorted(p.name for p in held.rglob("*") if p.is_file())


def _older_than_a_session(path, settings) -> None:
    """Date a held file back past a session's age, as the sweep sees a page left."""
    old = (
        datetime.datetime.now()
        - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    ).timestamp()
    os.utime(path, (old, old))


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
    # The hold is let go of once the order has its own copy.
    assert _held_files(media) == []


def test_a_file_chosen_again_replaces_the_held_one(client, file_lines_version, media):
    url = _url(file_lines_version)
    token = _token(client, url)
    client.post(url, _post(token, **{"a-0-new-x2-drawing": pdf("first.pdf")}))
    response = client.post(
        url, _post(token, **{"a-0-new-x2-drawing": pdf("second.pdf")})
    )
    page = response.content.decode()
    assert "Stored: second.pdf" in page and "first.pdf" not in page
    assert _held_files(media) == ["second.pdf"]
    client.post(url, _post(token, **{"a-0-new-x2-part": "AB-2"}))
    assert _order_lines()[1]["answers"]["drawing"]["name"] == "second.pdf"


@pytest.mark.parametrize(
    ("action", "kept"),
    [
        ("add:a-0-lines", {"new-x2"}),
        ("up:a-0-lines:new-x2", {"new-x2"}),
        # The copy starts without the file, as on the draft pages.
        ("copy:a-0-lines:new-x2", {"new-x2"}),
        ("remove:a-0-lines:new-x2", set()),
    ],
)
def test_a_line_button_keeps_a_lines_file_with_its_line(
    client, file_lines_version, media, action, kept
):
    url = _url(file_lines_version)
    token = _token(client, url)
    data = _post(
        token,
        line_action=action,
        **{"a-0-new-x2-part": "AB-2", "a-0-new-x2-drawing": pdf("two.pdf")},
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert not Order.objects.exists()
    group = response.context["answer_form"].line_groups[0]
    with_file = {
        e.line
        for e in group.entries
        if "Stored: two.pdf" in e.form["drawing"].help_text
    }
    assert with_file == kept
    assert _held_files(media) == (["two.pdf"] if kept else [])


def test_a_refused_file_is_not_held_and_is_said_beside_its_field(
    client, file_lines_version, media
):
    url = _url(file_lines_version)
    token = _token(client, url)
    big = pdf("big.pdf", PDF + b"x" * 3000)
    response = client.post(url, _post(token, **{"a-0-new-x2-drawing": big}))
    line2 = response.context["answer_form"].line_groups[0].entries[1].form
    assert "larger than 2 KB" in " ".join(line2.errors["drawing"])
    assert "Stored:" not in response.content.decode()
    assert _held_files(media) == []


def test_a_hostile_file_name_held_shows_as_text(client, file_lines_version, media):
    url = _url(file_lines_version)
    token = _token(client, url)
    hostile = "<img src=x onerror=alert(1)>{{ secret }}{% now 'Y' %}q'Größe.pdf"
    response = client.post(url, _post(token, **{"a-0-new-x2-drawing": pdf(hostile)}))
    page = response.content.decode()
    assert "<img src=x" not in page and "{{ secret }}" not in page
    client.post(url, _post(token, **{"a-0-new-x2-part": "AB-2"}))
    name = _order_lines()[1]["answers"]["drawing"]["name"]
    assert "Größe" in name
    assert f"Stored: {escape(name)}." in page


def test_held_files_belong_to_the_visitors_session_and_page(
    client, file_lines_version, media
):
    url = _url(file_lines_version)
    token = _token(client, url)
    client.post(url, _post(token, **{"a-0-new-x2-drawing": pdf("mine.pdf")}))
    # Another visitor posting the same page (its token copied) gets no file.
    other = Client()
    response = other.post(url, _post(token, **{"a-0-new-x2-part": "AB-2"}))
    assert response.status_code == 302
    assert "drawing" not in _order_lines()[1]["answers"]
    # A second page of the same visitor's does not take the first page's file.
    response = client.post(
        url, _post(_token(client, url), **{"a-0-new-x2-part": "AB-2"})
    )
    assert response.status_code == 302
    newest = Order.objects.order_by("-pk").first().revisions.get()
    assert "drawing" not in newest.answers["@lines"]["Lines"][1]["answers"]


def test_the_sweep_deletes_held_files_older_than_a_session(
    client, file_lines_version, media, settings
):
    url = _url(file_lines_version)
    client.post(url, _post(_token(client, url), **{"a-0-new-x2-drawing": pdf()}))
    (held,) = (media / held_uploads.HELD_FOLDER).rglob("*.pdf")
    assert held_uploads.held_sweep() == "0 held catalog file(s) deleted"
    _older_than_a_session(held, settings)
    assert held_uploads.held_sweep() == "1 held catalog file(s) deleted"
    assert not held.exists()


def test_a_held_file_gone_before_sending_is_asked_for_again_never_a_dead_link(
    client, file_lines_version, media
):
    url = _url(file_lines_version)
    token = _token(client, url)
    client.post(
        url,
        _post(token, **{"a-0-new-x2-part": "", "a-0-new-x2-drawing": pdf("gone.pdf")}),
    )
    # Swept (the page was left longer than a session lives) or removed from disk.
    (held,) = (media / held_uploads.HELD_FOLDER).rglob("gone.pdf")
    held.unlink()

    response = client.post(url, _post(token, **{"a-0-new-x2-part": "AB-2"}))
    assert response.status_code == 200
    assert not Order.objects.exists()
    page = response.content.decode()
    assert "The file gone.pdf chosen earlier is no longer kept" in page
    assert "Stored: gone.pdf" not in page

    # Chosen again: the order has it.
    response = client.post(
        url,
        _post(token, **{"a-0-new-x2-part": "AB-2", "a-0-new-x2-drawing": pdf()}),
    )
    assert response.status_code == 302
    drawing = _order_lines()[1]["answers"]["drawing"]
    with default_storage.open(drawing["path"], "rb") as stored:
        assert stored.read() == PDF


def test_no_empty_folder_is_left_once_held_files_are_sent_or_swept(
    client, file_lines_version, media, settings
):
    url = _url(file_lines_version)
    token = _token(client, url)
    client.post(
        url, _post(token, **{"a-0-new-x2-part": "", "a-0-new-x2-drawing": pdf()})
    )
    held = media / held_uploads.HELD_FOLDER
    assert any(held.iterdir())
    assert (
        client.post(url, _post(token, **{"a-0-new-x2-part": "AB-2"})).status_code == 302
    )
    assert list(held.iterdir()) == []

    # A page left alone: the sweep removes its file and then its folders.
    client.post(url, _post(_token(client, url), **{"a-0-new-x2-drawing": pdf()}))
    (left,) = held.rglob("*.pdf")
    _older_than_a_session(left, settings)
    assert held_uploads.held_sweep() == "1 held catalog file(s) deleted"
    assert list(held.iterdir()) == []
