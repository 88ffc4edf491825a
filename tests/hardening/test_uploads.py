"""Uploads: stored outside static files, served only to those who may see their
order, with size and content type checked."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from communications.models import CommunicationAttachment
from tests.hardening.conftest import COMPLETE, PDF, answer_post


def _download(client: Client, world, *, number: str | None = None):
    return client.get(
        reverse(
            "orders:requirement_file",
            args=[number or world.order_a.number, world.file_requirement_a.pk],
        )
    )


def test_media_lives_under_var_and_apart_from_static_files():
    media = Path(settings.MEDIA_ROOT).resolve()
    base = Path(settings.BASE_DIR).resolve()
    assert media.is_relative_to(base / "var")
    for static in [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]:
        assert not media.is_relative_to(static.resolve())
        assert not static.resolve().is_relative_to(media)


def test_stored_answers_and_attachments_are_files_under_media_root(world):
    answer = world.file_requirement_a.value
    stored = Path(settings.MEDIA_ROOT) / answer["path"]
    assert stored.read_bytes() == PDF
    attachment = CommunicationAttachment.objects.get(pk=world.attachment_pk)
    assert Path(attachment.file.path).is_relative_to(Path(settings.MEDIA_ROOT))


def test_no_url_serves_media_root_directly(client, world, service_user):
    client.force_login(service_user)
    path = world.file_requirement_a.value["path"]
    for prefix in ("/media/", "/static/", "/"):
        assert client.get(prefix + path).status_code == 404


# --- who may download an order-form file answer --------------------------------------


@pytest.mark.parametrize("role", ["service_user", "reviewer", "approver", "auditor"])
def test_those_who_read_the_order_download_its_file(client, world, request, role):
    client.force_login(request.getfixturevalue(role))
    response = _download(client, world)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_form_admins_and_people_without_a_role_are_refused(
    client, world, form_admin, no_role_user
):
    for user in (form_admin, no_role_user):
        client.force_login(user)
        assert _download(client, world).status_code == 403


def test_anonymous_visitors_are_sent_to_login_for_a_file(client, world):
    response = _download(client, world)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_file_is_not_found_under_another_orders_number(client, world, service_user):
    client.force_login(service_user)
    assert _download(client, world, number=world.order_c.number).status_code == 404
    assert _download(client, world, number="SO-0000-000000").status_code == 404


def test_a_requirement_without_a_file_has_nothing_to_download(
    client, world, service_user
):
    client.force_login(service_user)
    other = world.order_a.revisions.get().requirements.get(key="part_number")
    url = reverse("orders:requirement_file", args=[world.order_a.number, other.pk])
    assert client.get(url).status_code == 404


def test_file_download_is_get_only(client, world, service_user):
    client.force_login(service_user)
    url = reverse(
        "orders:requirement_file",
        args=[world.order_a.number, world.file_requirement_a.pk],
    )
    assert client.post(url).status_code == 405


def test_the_order_page_links_the_file(client, world, service_user):
    client.force_login(service_user)
    page = client.get(reverse("orders:order_detail", args=[world.order_a.number]))
    link = reverse(
        "orders:requirement_file",
        args=[world.order_a.number, world.file_requirement_a.pk],
    )
    assert f'href="{link}"' in page.content.decode()


# --- communication attachments ------------------------------------------------------


def _attachment(client: Client, world):
    return client.get(
        reverse("communications:attachment_download", args=[world.attachment_pk])
    )


def test_attachments_go_to_customer_service_and_auditors_only(
    client, world, service_user, auditor, reviewer, form_admin
):
    for user, status in (
        (service_user, 200),
        (auditor, 200),
        (reviewer, 403),
        (form_admin, 403),
    ):
        client.force_login(user)
        assert _attachment(client, world).status_code == status, user


def test_anonymous_visitors_are_sent_to_login_for_an_attachment(client, world):
    response = _attachment(client, world)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_attachment_is_not_found(client, world, service_user):
    client.force_login(service_user)
    url = reverse("communications:attachment_download", args=[world.attachment_pk + 99])
    assert client.get(url).status_code == 404


# --- size and content type ----------------------------------------------------------


def _edit(client: Client, world, upload, *, submit: bool = False):
    data = {
        "customer": world.order_b.customer_id,
        "channel": "phone",
        "documented_statement": "yes",
        **answer_post(COMPLETE),
        "a-drawing": upload,
    }
    if submit:
        data["submit"] = ""
    return client.post(reverse("orders:order_edit", args=[world.order_b.number]), data)


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        (
            "drawing.pdf",
            b"MZ\x90\x00 an executable",
            "The file&#x27;s content is not PDF.",
        ),
        (
            "drawing.pdf",
            b"<html><script>x</script>",
            "The file&#x27;s content is not PDF.",
        ),
        ("drawing.exe", PDF, "File extension “exe” is not allowed."),
        ("drawing.pdf", b"%PDF-1.4\n" + b"0" * 101 * 1024, "larger than 100 KB"),
        ("drawing.pdf", b"", "The submitted file is empty."),
    ],
)
def test_a_mistyped_or_oversized_file_answer_is_refused_beside_the_field(
    client, world, service_user, name, body, message
):
    client.force_login(service_user)
    response = _edit(client, world, SimpleUploadedFile(name, body), submit=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    revision = world.order_b.revisions.get()
    assert "drawing" not in revision.answers
    assert revision.state == "draft"


def test_a_genuine_pdf_answer_is_kept(client, world, service_user):
    client.force_login(service_user)
    response = _edit(client, world, SimpleUploadedFile("plan.pdf", PDF))
    assert response.status_code == 302
    stored = world.order_b.revisions.get().answers["drawing"]
    assert stored["name"] == "plan.pdf"
    assert (Path(settings.MEDIA_ROOT) / stored["path"]).read_bytes() == PDF


def test_the_public_portal_refuses_a_pdf_that_is_not_one(client, world):
    response = client.post(
        reverse("orders:portal", args=[world.token_b]),
        {
            **answer_post(COMPLETE),
            "a-drawing": SimpleUploadedFile("d.pdf", b"not a pdf"),
            "submit": "",
        },
    )
    assert response.status_code == 200
    assert "The file&#x27;s content is not PDF." in response.content.decode()
    assert world.order_b.revisions.get().state == "draft"


def test_attachments_are_sniffed_too(client, world, service_user):
    client.force_login(service_user)
    url = reverse("communications:attachment_add", args=[world.communication.pk])
    before = CommunicationAttachment.objects.count()
    response = client.post(
        url, {"attachment": SimpleUploadedFile("scan.pdf", b"GIF89a not a pdf")}
    )
    assert response.status_code == 200
    assert "content is not PDF" in response.content.decode()
    assert CommunicationAttachment.objects.count() == before
