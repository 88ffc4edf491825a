from django.db import migrations

DISCIPLINES = [
    ("engineering", "Engineering"),
    ("production", "Production / capacity"),
    ("quality", "Quality"),
    ("commercial", "Commercial / credit"),
]


def seed_disciplines(apps, schema_editor):
    Discipline = apps.get_model("orders", "Discipline")
    for slug, name in DISCIPLINES:
        Discipline.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_database_rules")]
    operations = [migrations.RunPython(seed_disciplines, migrations.RunPython.noop)]
