"""An order disposed of under retention (audit disposal) reads through the API as
on its pages: its revisions, requirements, review and signed record are kept and
still verify; the order says it was disposed of; a file answer keeps its name and
SHA-256 (never a storage path)."""

import pytest

from audit import disposal as disposal_services
from tests.api.conftest import token_client
from tests.audit.conftest import (
    DRAWING_SHA,
    drawing_version,
    keeper,
    media,
    retention_over,
    second_keeper,
    signed_order,
)

__all__ = [
    "drawing_version",
    "keeper",
    "media",
    "retention_over",
    "second_keeper",
    "signed_order",
]

pytestmark = pytest.mark.django_db


@pytest.fixture
def disposed_order(
    retention_over,
    signed_order,
    keeper,
    second_keeper,
    django_capture_on_commit_callbacks,
):
    disposal = disposal_services.disposal_request(
        record_type="orders",
        record_id=signed_order.pk,
        reason="Retention period over; no claim open.",
        user=keeper,
    )
    disposal = disposal_services.disposal_approve(disposal=disposal, user=second_keeper)
    with django_capture_on_commit_callbacks(execute=True):
        disposal_services.disposal_execute(disposal=disposal, user=keeper)
    return signed_order


def test_a_disposed_orders_revision_says_so_and_keeps_its_requirements(
    disposed_order, auditor, second_keeper
):
    api = token_client(auditor)
    body = api.get(f"/api/v1/orders/{disposed_order.number}/revisions/1/").json()
    disposal = body["disposal"]
    assert disposal["state"] == "disposed" and disposal["executed_at"]
    assert disposal["decided_by"]["username"] == second_keeper.username
    drawing = next(r for r in body["requirements"] if r["key"] == "drawing")
    assert drawing["value"]["sha256"] == DRAWING_SHA
    assert "path" not in drawing["value"] and "bracket.pdf" in drawing["display"]


def test_a_disposed_orders_record_still_verifies_and_prints(
    disposed_order, service_user
):
    api = token_client(service_user)
    base = f"/api/v1/orders/{disposed_order.number}/revisions/1"
    record = api.get(f"{base}/record/").json()
    assert record["signed"] is True and record["content_intact"] is True
    assert [s["verified"] for s in record["signatures"]] == [True]
    assert api.get(f"{base}/review/").json()["state"] == "decided"
    pdf = api.get(f"{base}/record/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_before_disposal_a_revision_names_none(signed_order, auditor):
    api = token_client(auditor)
    body = api.get(f"/api/v1/orders/{signed_order.number}/revisions/1/").json()
    assert body["disposal"] is None
