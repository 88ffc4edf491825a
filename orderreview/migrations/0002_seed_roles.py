from django.db import migrations

ROLES = ["Customer service", "Reviewer", "Approver", "Auditor", "Form admin"]


def seed_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    # Their permissions are attached by orderreview.roles.sync_roles after migrate,
    # once every app's permissions exist.


class Migration(migrations.Migration):
    dependencies = [("orderreview", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(seed_roles, migrations.RunPython.noop)]
