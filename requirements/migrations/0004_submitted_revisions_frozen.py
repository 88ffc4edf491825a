from django.db import migrations

SQL = """
-- A submitted revision is what reviewers assessed and approvers signed: from then
-- on the database refuses changes to it, its requirements and the order fields the
-- signed content carries, for raw SQL too (as for published form versions). Only the
-- state transitions the services make are allowed.
CREATE OR REPLACE FUNCTION requirements_revision_guard() RETURNS trigger AS $$
BEGIN
    IF OLD.state = 'draft' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'revision % is %, and cannot be deleted', OLD.id, OLD.state
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (NEW.order_id, NEW.number, NEW.answers, NEW.reason, NEW.channel,
        NEW.requested_by, NEW.created_by_id, NEW.created_at, NEW.submitted_by_id,
        NEW.submitted_at)
       IS NOT DISTINCT FROM
       (OLD.order_id, OLD.number, OLD.answers, OLD.reason, OLD.channel,
        OLD.requested_by, OLD.created_by_id, OLD.created_at, OLD.submitted_by_id,
        OLD.submitted_at)
       AND (NEW.state = OLD.state
            OR (OLD.state = 'submitted'
                AND NEW.state IN ('accepted', 'rejected', 'superseded'))) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'revision % is %: it cannot be changed, only decided or superseded',
        OLD.id, OLD.state
        USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER requirements_revision_frozen
    BEFORE UPDATE OR DELETE ON requirements_requirementset
    FOR EACH ROW EXECUTE FUNCTION requirements_revision_guard();

-- Requirements change only while their revision is a draft. Adding one to a
-- submitted revision that is under review or decided is refused too (bulk loaders
-- insert a revision's requirements before its review).
CREATE OR REPLACE FUNCTION requirements_requirement_guard() RETURNS trigger AS $$
DECLARE
    revision_state text;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT state INTO revision_state FROM requirements_requirementset
            WHERE id = OLD.requirement_set_id;
        IF revision_state IS NOT NULL AND revision_state <> 'draft' THEN
            RAISE EXCEPTION 'requirements of a % revision cannot be changed', revision_state
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT state INTO revision_state FROM requirements_requirementset
            WHERE id = NEW.requirement_set_id;
        IF revision_state <> 'draft' AND EXISTS (
            SELECT 1 FROM reviews_review WHERE requirement_set_id = NEW.requirement_set_id
        ) THEN
            RAISE EXCEPTION 'requirements cannot be added to a % revision', revision_state
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER requirements_requirement_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON requirements_requirement
    FOR EACH ROW EXECUTE FUNCTION requirements_requirement_guard();

-- The order's identity never changes once the order left draft: number, customer,
-- form version, channel, who entered it and when. Its status and confirmation are
-- the services' to change, and so are the requested date and customer reference: a
-- change order's answers may move them (questions mapped onto the header), with a
-- history row that the acceptance record shows as a legitimate edit beside the
-- signed value; a change without one is reported by verify_signatures. The customer
-- row is not frozen either: a rename is a legitimate, recorded edit.
CREATE OR REPLACE FUNCTION requirements_order_guard() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'draft' THEN
        RETURN NEW;
    END IF;
    IF (NEW.number, NEW.customer_id, NEW.form_version_id, NEW.channel,
        NEW.entered_by_id, NEW.created_at)
       IS DISTINCT FROM
       (OLD.number, OLD.customer_id, OLD.form_version_id, OLD.channel,
        OLD.entered_by_id, OLD.created_at)
    THEN
        RAISE EXCEPTION 'order % was submitted: its signed fields cannot be changed',
            OLD.number
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER requirements_order_signed_fields
    BEFORE UPDATE ON orders_order
    FOR EACH ROW EXECUTE FUNCTION requirements_order_guard();
"""

REVERSE = """
DROP TRIGGER IF EXISTS requirements_order_signed_fields ON orders_order;
DROP FUNCTION IF EXISTS requirements_order_guard();
DROP TRIGGER IF EXISTS requirements_requirement_frozen ON requirements_requirement;
DROP FUNCTION IF EXISTS requirements_requirement_guard();
DROP TRIGGER IF EXISTS requirements_revision_frozen ON requirements_requirementset;
DROP FUNCTION IF EXISTS requirements_revision_guard();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("requirements", "0003_text_length_limits"),
        ("reviews", "0001_initial"),
        ("orders", "0009_fill_change_in_review"),
    ]
    operations = [migrations.RunSQL(SQL, REVERSE)]
