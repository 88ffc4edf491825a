"""Raising a change order can put the customer's own request on file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communications.models import Communication

pytestmark = pytest.mark.django_db


def raise_post(**extra) -> dict:
    return {
        "reason": "Longer part",
        "channel": "email",
        "requested_by": "Jo Buyer",
        **extra,
    }


def test_the_customers_request_is_filed_with_the_change_order(client, accepted):
    url = reverse("requirements:change_new", args=[accepted.number])
    assert "Log the customer" in client.get(url).content.decode()
    response = client.post(
        url,
        raise_post(
            request_subject="Re: PO 4711 – new length",
            request_body="Please make it 5200 mm.",
            request_attachment=SimpleUploadedFile(
                "po.pdf", b"%PDF-1.4 revised", "application/pdf"
            ),
        ),
    )
    assert response.status_code == 302
    note = Communication.objects.get(order=accepted)
    assert note.kind == Communication.Kind.CHANGE_NOTICE
    assert note.direction == Communication.Direction.INBOUND
    assert note.channel == "email"
    assert note.subject == "Re: PO 4711 – new length"
    assert note.body == "Please make it 5200 mm."
    assert note.attachments.get().original_name == "po.pdf"
    assert accepted.revisions.filter(number=2).exists()


def test_a_change_order_without_a_request_files_nothing(client, accepted):
    url = reverse("requirements:change_new", args=[accepted.number])
    assert client.post(url, raise_post()).status_code == 302
    assert not Communication.objects.filter(order=accepted).exists()


def test_a_request_without_a_subject_is_refused_beside_the_field(client, accepted):
    url = reverse("requirements:change_new", args=[accepted.number])
    response = client.post(url, raise_post(request_body="Please make it longer."))
    assert response.status_code == 200
    assert response.context["form"].errors["request_subject"] == [
        "Give the customer's request a subject."
    ]
    assert "Please make it longer." in response.content.decode()
    assert not accepted.revisions.filter(number=2).exists()


def test_a_refused_attachment_refuses_the_change_and_says_why(client, accepted):
    url = reverse("requirements:change_new", args=[accepted.number])
    response = client.post(
        url,
        raise_post(
            request_subject="New drawing",
            request_attachment=SimpleUploadedFile(
                "drawing.exe", b"MZ\x90\x00", "application/octet-stream"
            ),
        ),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["request_attachment"]
    assert not accepted.revisions.filter(number=2).exists()
    assert not Communication.objects.filter(order=accepted).exists()
