from django.db import migrations, models

# Every signature made before this migration is plain SHA-256: it keeps verifying
# as such under this key id. ADD COLUMN with a default rewrites no row, so the
# append-only triggers (which refuse UPDATE) are not involved.
LEGACY_KEY_ID = "sha256-unkeyed"


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_scale_indexes")]
    operations = [
        migrations.AddField(
            model_name="signature",
            name="key_id",
            field=models.CharField(default=LEGACY_KEY_ID, max_length=40),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalsignature",
            name="key_id",
            field=models.CharField(default=LEGACY_KEY_ID, max_length=40),
            preserve_default=False,
        ),
    ]
