"""Search at scale: trigram indexes for `?q=` on a communication's subject and text
where pg_trgm exists (orderreview/trigram.py; without it nothing is created and the
search scans)."""

from django.db import migrations

from orderreview.trigram import trigram_indexes_create, trigram_indexes_drop

TABLES = ("communications_communication",)


def create(apps, schema_editor):
    trigram_indexes_create(schema_editor.connection, TABLES)


def drop(apps, schema_editor):
    trigram_indexes_drop(schema_editor.connection, TABLES)


class Migration(migrations.Migration):
    dependencies = [("communications", "0010_fill_attachment_sha256")]

    operations = [migrations.RunPython(create, drop)]
