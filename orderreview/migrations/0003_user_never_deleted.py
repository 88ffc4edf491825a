from django.db import migrations

# Accounts are permanent: history rows and signatures name them.
SQL = """
CREATE OR REPLACE FUNCTION orderreview_user_refuse_delete() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'user accounts are never deleted; deactivate user % instead', OLD.username
        USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER orderreview_user_never_deleted
    BEFORE DELETE ON orderreview_user
    FOR EACH ROW EXECUTE FUNCTION orderreview_user_refuse_delete();
"""
REVERSE = """
DROP TRIGGER IF EXISTS orderreview_user_never_deleted ON orderreview_user;
DROP FUNCTION IF EXISTS orderreview_user_refuse_delete();
"""


class Migration(migrations.Migration):
    dependencies = [("orderreview", "0002_seed_roles")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
