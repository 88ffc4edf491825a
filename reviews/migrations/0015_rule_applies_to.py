# A rule says what it covers with one flag each (orders, quotes, change orders)
# instead of one of orders / changes / both. Schema and the fill of the new flags
# from the old choice share this file (one migration slot): the old column is read
# before it is dropped. Rules and their history rows keep their meaning: "orders"
# covered every first revision, a quote's included.

from django.db import migrations, models

FLAGS = {
    "orders": {"applies_to_changes": False},
    "changes": {"applies_to_orders": False, "applies_to_quotes": False},
    "both": {},
}


def fill_applies_to(apps, schema_editor):
    for name in ("ApprovalRule", "HistoricalApprovalRule"):
        model = apps.get_model("reviews", name)
        for old, flags in FLAGS.items():
            if flags:
                model.objects.filter(applies_to=old).update(**flags)


def fill_applies_to_reverse(apps, schema_editor):
    for name in ("ApprovalRule", "HistoricalApprovalRule"):
        model = apps.get_model("reviews", name)
        model.objects.filter(applies_to_orders=True, applies_to_changes=False).update(
            applies_to="orders"
        )
        model.objects.filter(applies_to_orders=False, applies_to_changes=True).update(
            applies_to="changes"
        )


def flag() -> models.BooleanField:
    return models.BooleanField(db_default=True, default=True)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0014_quotes"),
    ]

    operations = [
        *(
            migrations.AddField(model_name=model, name=name, field=flag())
            for model in ("approvalrule", "historicalapprovalrule")
            for name in ("applies_to_changes", "applies_to_orders", "applies_to_quotes")
        ),
        migrations.RunPython(fill_applies_to, fill_applies_to_reverse),
        migrations.RemoveConstraint(
            model_name="approvalrule",
            name="approvalrule_applies_to_valid",
        ),
        migrations.RemoveField(
            model_name="approvalrule",
            name="applies_to",
        ),
        migrations.RemoveField(
            model_name="historicalapprovalrule",
            name="applies_to",
        ),
        migrations.AddConstraint(
            model_name="approvalrule",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("applies_to_orders", True),
                    ("applies_to_quotes", True),
                    ("applies_to_changes", True),
                    _connector="OR",
                ),
                name="approvalrule_applies_to_something",
            ),
        ),
    ]
