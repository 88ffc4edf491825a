"""Search at scale: trigram indexes for `?q=` on orders and customers where pg_trgm
exists (orderreview/trigram.py; without it nothing is created and search scans), and
a B-tree for order-number prefixes (`SO-2026-00...`), which needs no extension."""

from django.db import migrations

from orderreview.trigram import trigram_indexes_create, trigram_indexes_drop

TABLES = ("orders_order", "orders_customer")


def create(apps, schema_editor):
    trigram_indexes_create(schema_editor.connection, TABLES)


def drop(apps, schema_editor):
    trigram_indexes_drop(schema_editor.connection, TABLES)


class Migration(migrations.Migration):
    dependencies = [("orders", "0016_quotes")]

    operations = [
        migrations.RunPython(create, drop),
        migrations.RunSQL(
            'CREATE INDEX "order_number_prefix" ON "orders_order" '
            '(UPPER("number"::text) text_pattern_ops)',
            'DROP INDEX IF EXISTS "order_number_prefix"',
        ),
    ]
