"""A file answer uploaded through the API (multipart/form-data): the draft page's
checks, stored like the web's uploads, downloadable from the order page's file link
and named by its SHA-256 in what the approver signs."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from orders.models import Channel
from requirements import services as req_services
from reviews import signing
from reviews.models import Review
from tests.api.conftest import COMPLETE, is_problem

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def draft(intake_version, customer, service_user):
    return req_services.intake_start(
        user=service_user,
        form_version=intake_version,
        channel=Channel.EMAIL,
        customer=customer,
        documented_statement=True,
        answers=COMPLETE,
    )


def upload_url(revision, key: str = "drawing") -> str:
    return f"/api/v1/orders/{revision.order.number}/files/{key}/"


def pdf(name: str = "drawing.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def stored(revision) -> dict:
    revision.refresh_from_db()
    return revision.answers


def test_a_pdf_is_stored_with_its_hash_downloadable_and_signed(
    service_api, service_user, draft, client
):
    response = service_api.post(upload_url(draft), {"file": pdf()})
    assert response.status_code == 200
    body = response.json()
    digest = hashlib.sha256(PDF).hexdigest()
    assert body == {
        "question": "drawing",
        "name": "drawing.pdf",
        "size": len(PDF),
        "sha256": digest,
        "content_type": "application/pdf",
    }
    assert stored(draft)["drawing"]["path"].startswith(
        f"uploads/{draft.order.number}/drawing/"
    )
    assert stored(draft)["quantity"] == COMPLETE["quantity"]
    submit = service_api.post(f"/api/v1/orders/{draft.order.number}/submit/")
    assert submit.status_code == 200
    requirement = draft.requirements.get(key="drawing")
    client.force_login(service_user)
    download = client.get(
        reverse("orders:requirement_file", args=[draft.order.number, requirement.pk])
    )
    assert b"".join(download.streaming_content) == PDF
    review = Review.objects.get(order=draft.order)
    assert digest in signing.canonical_json(signing.review_content_to_sign(review))


def test_a_new_upload_replaces_the_stored_file_and_null_removes_it(service_api, draft):
    service_api.post(upload_url(draft), {"file": pdf("first.pdf")})
    second = PDF + b"% second\n"
    response = service_api.post(upload_url(draft), {"file": pdf("second.pdf", second)})
    assert response.json()["sha256"] == hashlib.sha256(second).hexdigest()
    assert stored(draft)["drawing"]["name"] == "second.pdf"
    removed = service_api.patch(
        f"/api/v1/orders/{draft.order.number}/",
        {"answers": {"drawing": None}},
        content_type="application/json",
    )
    assert removed.status_code == 200
    assert "drawing" not in stored(draft)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (pdf("drawing.exe"), "not allowed"),
        (pdf("drawing.pdf", b"MZ\x90\x00 not a pdf"), "not PDF"),
        (pdf("drawing.pdf", b""), "empty"),
        (pdf("drawing.pdf", PDF + b"0" * 120 * 1024), "larger than 100 KB"),
    ],
)
def test_a_file_the_question_refuses_is_a_400_and_nothing_is_stored(
    service_api, draft, upload, message
):
    response = service_api.post(upload_url(draft), {"file": upload})
    assert is_problem(response, 400, "validation-error")
    assert message in response.json()["errors"]["file"][0]
    assert "drawing" not in stored(draft)


def test_a_body_larger_than_the_limit_is_refused_before_it_is_read(service_api, draft):
    response = service_api.post(
        upload_url(draft), {"file": pdf(content=PDF + b"0" * 300 * 1024)}
    )
    assert is_problem(response, 413, "too-large")
    assert "100 KB" in response.json()["detail"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "file"),
        ({"file": "drawing.pdf"}, "file"),
        ({"file": [pdf("a.pdf"), pdf("b.pdf")]}, "file"),
        ({"file": pdf(), "note": "x"}, "note"),
    ],
)
def test_no_file_text_instead_of_a_file_or_extra_parts_are_refused(
    service_api, draft, data, field
):
    response = service_api.post(upload_url(draft), data)
    assert is_problem(response, 400, "validation-error")
    assert field in response.json()["errors"]


def test_a_question_that_takes_no_file_is_a_400_and_an_unknown_one_a_404(
    service_api, draft
):
    response = service_api.post(upload_url(draft, "quantity"), {"file": pdf()})
    assert is_problem(response, 400, "validation-error")
    assert "does not take a file" in response.json()["errors"]["file"][0]
    missing = service_api.post(upload_url(draft, "no-such-key"), {"file": pdf()})
    assert is_problem(missing, 404, "not-found")
    unknown_order = service_api.post(
        "/api/v1/orders/SO-1999-000001/files/drawing/", {"file": pdf()}
    )
    assert is_problem(unknown_order, 404, "not-found")


def test_json_is_not_an_upload(service_api, draft):
    response = service_api.post(
        upload_url(draft), {"file": "x"}, content_type="application/json"
    )
    assert is_problem(response, 415, "unsupported-media-type")


def test_a_submitted_order_takes_no_file(service_api, service_user, draft):
    req_services.revision_submit(revision=draft, user=service_user)
    response = service_api.post(upload_url(draft), {"file": pdf()})
    assert is_problem(response, 409, "conflict")


def test_only_customer_service_uploads(
    reviewer_api, auditor_api, form_admin_api, draft
):
    for client in (reviewer_api, auditor_api, form_admin_api):
        response = client.post(upload_url(draft), {"file": pdf()})
        assert is_problem(response, 403, "permission-denied")
    anonymous = Client().post(upload_url(draft), {"file": pdf()})
    assert is_problem(anonymous, 401, "not-authenticated")
    assert "drawing" not in stored(draft)


def test_other_methods_are_not_allowed(service_api, draft):
    for method in (service_api.get, service_api.put, service_api.delete):
        assert is_problem(method(upload_url(draft)), 405, "method-not-allowed")
    change_orders = f"/api/v1/orders/{draft.order.number}/change-orders/"
    assert is_problem(service_api.get(change_orders), 405, "method-not-allowed")
