from django.db import migrations

SQL = """
-- Signatures and decisions are append-only, for raw SQL too.
CREATE OR REPLACE FUNCTION reviews_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% on % refused: signed records are append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER reviews_signature_append_only
    BEFORE UPDATE OR DELETE ON reviews_signature
    FOR EACH ROW EXECUTE FUNCTION reviews_refuse_change();
CREATE TRIGGER reviews_decision_append_only
    BEFORE UPDATE OR DELETE ON reviews_decision
    FOR EACH ROW EXECUTE FUNCTION reviews_refuse_change();

-- Assessments freeze once their review is no longer open (decided or superseded).
CREATE OR REPLACE FUNCTION reviews_assessment_guard() RETURNS trigger AS $$
DECLARE
    review_state text;
BEGIN
    SELECT state INTO review_state FROM reviews_review WHERE id = OLD.review_id;
    IF review_state IS NOT NULL AND review_state <> 'open' THEN
        RAISE EXCEPTION 'assessments of a % review cannot be changed', review_state
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER reviews_assessment_frozen
    BEFORE UPDATE OR DELETE ON reviews_assessment
    FOR EACH ROW EXECUTE FUNCTION reviews_assessment_guard();
"""

REVERSE = """
DROP TRIGGER IF EXISTS reviews_assessment_frozen ON reviews_assessment;
DROP FUNCTION IF EXISTS reviews_assessment_guard();
DROP TRIGGER IF EXISTS reviews_decision_append_only ON reviews_decision;
DROP TRIGGER IF EXISTS reviews_signature_append_only ON reviews_signature;
DROP FUNCTION IF EXISTS reviews_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
