from django.db import migrations

SQL = """
-- Order numbers: one sequence, so concurrent entry never hands out a number twice.
CREATE SEQUENCE IF NOT EXISTS orders_order_number_seq;

-- A published version never changes; it may only be retired. A retired one is frozen.
CREATE OR REPLACE FUNCTION orders_formversion_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'order form version % is %, and cannot be deleted', OLD.id, OLD.status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'published' THEN
        IF NEW.status = 'retired'
           AND (NEW.form_id, NEW.number, NEW.change_note, NEW.published_by_id,
                NEW.published_at, NEW.created_by_id, NEW.created_at)
               IS NOT DISTINCT FROM
               (OLD.form_id, OLD.number, OLD.change_note, OLD.published_by_id,
                OLD.published_at, OLD.created_by_id, OLD.created_at) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'published order form version % cannot be changed, only retired', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    ELSIF OLD.status = 'retired' THEN
        RAISE EXCEPTION 'retired order form version % cannot be changed', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER orders_formversion_immutable
    BEFORE UPDATE OR DELETE ON orders_orderformversion
    FOR EACH ROW EXECUTE FUNCTION orders_formversion_guard();

-- Questions change only while their version is a draft.
CREATE OR REPLACE FUNCTION orders_question_guard() RETURNS trigger AS $$
DECLARE
    version_status text;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT status INTO version_status FROM orders_orderformversion WHERE id = OLD.version_id;
        IF version_status IS NOT NULL AND version_status <> 'draft' THEN
            RAISE EXCEPTION 'questions of a % order form version cannot be changed', version_status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT status INTO version_status FROM orders_orderformversion WHERE id = NEW.version_id;
        IF version_status <> 'draft' THEN
            RAISE EXCEPTION 'questions cannot be added to a % order form version', version_status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER orders_question_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON orders_question
    FOR EACH ROW EXECUTE FUNCTION orders_question_guard();
"""

REVERSE = """
DROP TRIGGER IF EXISTS orders_question_immutable ON orders_question;
DROP FUNCTION IF EXISTS orders_question_guard();
DROP TRIGGER IF EXISTS orders_formversion_immutable ON orders_orderformversion;
DROP FUNCTION IF EXISTS orders_formversion_guard();
DROP SEQUENCE IF EXISTS orders_order_number_seq;
"""


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
