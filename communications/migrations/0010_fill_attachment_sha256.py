"""Attachments kept before hashes were stored get the SHA-256 of their file; one
already missing from storage keeps an empty hash (nothing left to measure)."""

import hashlib

from django.db import migrations


def fill(apps, schema_editor):
    Attachment = apps.get_model("communications", "CommunicationAttachment")
    for attachment in Attachment.objects.filter(sha256="").iterator():
        digest = hashlib.sha256()
        try:
            with attachment.file.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                    digest.update(chunk)
        except (FileNotFoundError, ValueError):
            continue
        Attachment.objects.filter(pk=attachment.pk).update(sha256=digest.hexdigest())


class Migration(migrations.Migration):
    dependencies = [("communications", "0009_attachment_sha256")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
