"""Confirmations recorded on the order before they were per revision become the
confirmation of the order's revision 1, marked legacy (they have no link to a
communication: nobody was asked for one). The order keeps its old fields, read only,
so its history and the audit trail stay as they were. Each copied row gets its
history row, as every tracked row has one."""

from django.db import migrations

FORWARD = """
INSERT INTO requirements_revisionconfirmation
    (revision_id, method, confirmed_at, confirmed_by_id, communication_id,
     attachment_id, legacy, recorded_at)
SELECT r.id, COALESCE(NULLIF(o.confirmation_method, ''), '(not recorded)'),
       o.confirmed_at, o.confirmed_by_id, NULL, NULL, TRUE, now()
  FROM orders_order o
  JOIN requirements_requirementset r ON r.order_id = o.id AND r.number = 1
 WHERE o.confirmed_at IS NOT NULL
ON CONFLICT (revision_id) DO NOTHING;

INSERT INTO requirements_historicalrevisionconfirmation
    (id, method, confirmed_at, legacy, recorded_at, history_date,
     history_change_reason, history_type, attachment_id, communication_id,
     confirmed_by_id, history_user_id, revision_id)
SELECT c.id, c.method, c.confirmed_at, c.legacy, c.recorded_at, now(),
       'Copied from the order-level confirmation (before per-revision ones)',
       '+', NULL, NULL, c.confirmed_by_id, NULL, c.revision_id
  FROM requirements_revisionconfirmation c
 WHERE c.legacy AND NOT EXISTS (
       SELECT 1 FROM requirements_historicalrevisionconfirmation h WHERE h.id = c.id);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("requirements", "0006_revision_confirmation"),
        ("orders", "0010_question_depends_on"),
    ]

    # Backwards: 0006 drops the table with its rows; the order's fields never left.
    operations = [migrations.RunSQL(FORWARD, migrations.RunSQL.noop)]
