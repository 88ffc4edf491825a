"""An order made from a quote is accepted only once every requirement that differs
from the quote is resolved (ISO 9001 8.2.3.1 e): the database refuses the
accepting decision otherwise, whatever code inserts it."""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION reviews_decision_quote_guard() RETURNS trigger AS $$
BEGIN
    IF NEW.outcome = 'accept' AND EXISTS (
        SELECT 1
          FROM requirements_quotedifference d
          JOIN reviews_review r ON r.requirement_set_id = d.revision_id
         WHERE r.id = NEW.review_id AND d.resolution = ''
    ) THEN
        RAISE EXCEPTION 'review %: requirements differ from the quote and are not resolved', NEW.review_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER reviews_decision_quote_resolved
    BEFORE INSERT ON reviews_decision
    FOR EACH ROW EXECUTE FUNCTION reviews_decision_quote_guard();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS reviews_decision_quote_resolved ON reviews_decision;
DROP FUNCTION IF EXISTS reviews_decision_quote_guard();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0012_approval_rules"),
        ("requirements", "0010_quotes"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
