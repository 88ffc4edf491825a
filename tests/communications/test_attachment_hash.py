"""Attachments keep the SHA-256 of their file; the migration that filled the hash
of earlier ones measures what is in storage and leaves a missing file empty."""

import hashlib
import importlib

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from communications import services
from communications.models import CommunicationAttachment
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
fill_migration = importlib.import_module(
    "communications.migrations.0010_fill_attachment_sha256"
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _attached(name: str = "a.pdf") -> CommunicationAttachment:
    user = factories.UserFactory()
    communication = services.communication_record(
        customer=factories.CustomerFactory(),
        direction="in",
        channel="email",
        kind="enquiry",
        subject="Drawings",
        occurred_at=timezone.now(),
        recorded_by=user,
        attachment=SimpleUploadedFile(name, PDF),
    )
    return communication.attachments.get()


def test_an_attached_file_is_kept_with_its_sha256():
    assert _attached().sha256 == hashlib.sha256(PDF).hexdigest()


def test_the_fill_hashes_earlier_files_and_leaves_a_missing_one_empty():
    kept, lost = _attached("kept.pdf"), _attached("lost.pdf")
    CommunicationAttachment.objects.update(sha256="")
    lost.file.delete(save=False)

    fill_migration.fill(apps, None)

    kept.refresh_from_db()
    lost.refresh_from_db()
    assert kept.sha256 == hashlib.sha256(PDF).hexdigest()
    assert lost.sha256 == ""


def test_the_database_refuses_a_hash_that_is_not_hex_sha256():
    attachment = _attached()
    with pytest.raises(IntegrityError), transaction.atomic():
        CommunicationAttachment.objects.filter(pk=attachment.pk).update(sha256="xyz")
