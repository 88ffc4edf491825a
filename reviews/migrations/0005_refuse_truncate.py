from django.db import migrations

# Row-level triggers do not fire on TRUNCATE: refuse it per statement too, on
# signatures and decisions (a TRUNCATE ... CASCADE from a referenced table fires
# these as well). History tables get theirs from audit.guard.
SQL = """
CREATE TRIGGER reviews_signature_no_truncate
    BEFORE TRUNCATE ON reviews_signature
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_refuse_change();
CREATE TRIGGER reviews_decision_no_truncate
    BEFORE TRUNCATE ON reviews_decision
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS reviews_decision_no_truncate ON reviews_decision;
DROP TRIGGER IF EXISTS reviews_signature_no_truncate ON reviews_signature;
"""


class Migration(migrations.Migration):
    dependencies = [("reviews", "0004_signature_key_id")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
