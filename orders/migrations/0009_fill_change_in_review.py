"""Orders whose change order was in review showed "Awaiting review" / "In review",
though what was agreed still held: they become accepted with a change in review."""

from django.db import migrations

FORWARD = """
UPDATE orders_order o
   SET status = 'accepted', change_in_review = TRUE
 WHERE o.status IN ('awaiting_review', 'in_review')
   AND EXISTS (
       SELECT 1 FROM requirements_requirementset r
        WHERE r.order_id = o.id AND r.state = 'accepted')
"""

# Back to the old display: the review's progress decides which of the two.
BACKWARD = """
UPDATE orders_order o
   SET status = CASE WHEN EXISTS (
           SELECT 1 FROM reviews_assessment a
             JOIN reviews_review v ON v.id = a.review_id
            WHERE v.order_id = o.id AND v.state = 'open' AND a.verdict <> ''
              AND a.carried_from_id IS NULL)
       THEN 'in_review' ELSE 'awaiting_review' END,
       change_in_review = FALSE
 WHERE o.change_in_review
"""


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0008_order_change_in_review"),
        ("requirements", "0002_change_notification"),
        ("reviews", "0001_initial"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
