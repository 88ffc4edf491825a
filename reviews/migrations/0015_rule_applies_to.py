# A rule says what it covers with one flag each (orders, quotes, change orders)
# instead of one of orders / changes / both. Schema and the fill of the new flags
# from the old choice share this file (one migration slot): the old column is read
# before it is dropped.
#
# Before this migration a rule covered revisions by number, a quote's included: an
# "orders" rule every first revision (a quote's first one too), a "changes" rule
# every later revision (a renewed or changed quote too). The flags cover a quote
# whole, so neither old choice can be carried over exactly; each keeps everything
# it covered and gains the quote revisions it did not (never a rule that stops
# applying where it applied, which would let a decision be signed with fewer
# approvers than before): "orders" -> orders and quotes (now also a renewed
# quote), "changes" -> change orders and quotes (now also a quote's first
# review), "both" -> everything. An administrator narrows them on the rules page.
#
# The rules' history rows are carried over alike, so that each version reads as it
# covered: their append-only trigger (audit.guard, installed after every migrate)
# is off for that update only, inside this migration's transaction. As first
# written this file updated them with the trigger on: on a database holding any
# "orders" or "changes" rule the trigger refused, and the whole migration rolled
# back. So a database that did run that version held "both" rules only (every rule
# saved through the application has history rows), which it carried over exactly,
# as this version does: there is nothing to repair, and no later migration does.
# (Its "changes" -> change orders only, which dropped the quotes such a rule
# covered, never reached a rule.)
#
# Backwards, a rule never comes to cover more than it does: the old choice is the
# one of its order flags (orders and change orders: both), which covers its quotes
# too. A rule that does not cover quotes cannot be written that way without
# covering more, nor a rule of quotes only; while such a rule is active the
# migration stops and names it (tick quotes or deactivate it first). Inactive ones
# and history rows, which cover nothing, take the nearest choice.

from contextlib import contextmanager

from django.db import migrations, models

HISTORY_TABLE = "reviews_historicalapprovalrule"
# audit.guard.TRIGGER_NAME (a migration imports no application code).
HISTORY_TRIGGER = "orderreview_history_append_only"

FLAGS = {
    "orders": {"applies_to_changes": False},
    "changes": {"applies_to_orders": False},
    "both": {},
}


@contextmanager
def history_translated(schema_editor):
    """The history rows' append-only trigger, when installed, is off while they are
    carried over (the migration runs as the tables' owner, in one transaction)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_trigger WHERE tgname = %s AND tgrelid = %s::regclass",
            [HISTORY_TRIGGER, HISTORY_TABLE],
        )
        installed = cursor.fetchone() is not None
        if installed:
            cursor.execute(
                f"ALTER TABLE {HISTORY_TABLE} DISABLE TRIGGER {HISTORY_TRIGGER}"
            )
        yield
        if installed:
            cursor.execute(
                f"ALTER TABLE {HISTORY_TABLE} ENABLE TRIGGER {HISTORY_TRIGGER}"
            )


def fill_applies_to(apps, schema_editor):
    with history_translated(schema_editor):
        for name in ("ApprovalRule", "HistoricalApprovalRule"):
            model = apps.get_model("reviews", name)
            for old, flags in FLAGS.items():
                if flags:
                    model.objects.filter(applies_to=old).update(**flags)


def old_choice(orders: bool, changes: bool) -> str:
    """The old choice nearest the flags: the one of the order flags (a rule of
    quotes only is nearest "orders": a quote is reviewed first as a first
    revision)."""
    if orders and changes:
        return "both"
    return "changes" if changes else "orders"


def fill_applies_to_reverse(apps, schema_editor):
    rule = apps.get_model("reviews", "ApprovalRule")
    broadened = rule.objects.filter(active=True, applies_to_quotes=False) | (
        rule.objects.filter(
            active=True, applies_to_orders=False, applies_to_changes=False
        )
    )
    names = sorted(broadened.values_list("name", flat=True))
    if names:
        raise RuntimeError(
            "Before reviews 0015 a rule covered quotes with orders and change "
            "orders alike: these active rules would cover more than they do. Tick "
            "quotes on them (and orders or change orders on a rule of quotes only) "
            "or deactivate them, then migrate back: " + ", ".join(names)
        )
    with history_translated(schema_editor):
        for name in ("ApprovalRule", "HistoricalApprovalRule"):
            model = apps.get_model("reviews", name)
            for orders in (False, True):
                for changes in (False, True):
                    model.objects.filter(
                        applies_to_orders=orders, applies_to_changes=changes
                    ).update(applies_to=old_choice(orders, changes))


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
