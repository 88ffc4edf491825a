"""The four notice templates, so customers get sensible e-mails from day one.

The text is frozen here; Form admins edit it on /notices/templates/.
"""

from django.db import migrations

TEMPLATES = {'acceptance': ('Order {{ order_number }} accepted',
                'Dear {{ contact_name|default:customer_name }},\n'
                '\n'
                'we have reviewed order {{ order_number }} and accept it with the '
                'following requirements:\n'
                '\n'
                '{% for r in requirements %}- {{ r.statement }}: {{ r.value }}\n'
                '{% endfor %}{% if conditions %}\n'
                'Conditions:\n'
                '{% for c in conditions %}- {{ c.statement }} ({{ c.discipline }}): {{ '
                'c.note }}\n'
                '{% endfor %}{% endif %}\n'
                'Kind regards,\n'
                'Customer service\n'),
 'acknowledgement': ('We have received your order {{ order_number }}',
                     'Dear {{ contact_name|default:customer_name }},\n'
                     '\n'
                     'thank you for your order{% if customer_reference %} (your '
                     'reference {{ customer_reference }}){% endif %}. We have '
                     'registered it as {{ order_number }} and are now reviewing '
                     'whether we can meet all of its requirements. We will write to '
                     'you again with our decision.\n'
                     '\n'
                     'Kind regards,\n'
                     'Customer service\n'),
 'change': ('Change {{ revision_number }} to order {{ order_number }}: {% if accepted '
            '%}accepted{% else %}not accepted{% endif %}',
            'Dear {{ contact_name|default:customer_name }},\n'
            '\n'
            'we have reviewed your change to order {{ order_number }} (revision {{ '
            'revision_number }}){% if change_reason %}: {{ change_reason }}{% endif '
            '%}.\n'
            '\n'
            '{% if accepted %}We accept the order as changed. Its requirements are '
            'now:\n'
            '\n'
            '{% for r in requirements %}- {{ r.statement }}: {{ r.value }}\n'
            '{% endfor %}{% if conditions %}\n'
            'Conditions:\n'
            '{% for c in conditions %}- {{ c.statement }} ({{ c.discipline }}): {{ '
            'c.note }}\n'
            '{% endfor %}{% endif %}{% else %}We cannot accept the change, for these '
            'reasons:\n'
            '\n'
            '{{ reasons }}\n'
            '{% endif %}\n'
            'Kind regards,\n'
            'Customer service\n'),
 'rejection': ('Order {{ order_number }}: we cannot accept it',
               'Dear {{ contact_name|default:customer_name }},\n'
               '\n'
               'we have reviewed order {{ order_number }} and regret that we cannot '
               'accept it, for these reasons:\n'
               '\n'
               '{{ reasons }}\n'
               '\n'
               'Please contact us if you would like to discuss a change.\n'
               '\n'
               'Kind regards,\n'
               'Customer service\n')}


def seed(apps, schema_editor):
    NoticeTemplate = apps.get_model("communications", "NoticeTemplate")
    for kind, (subject, body) in TEMPLATES.items():
        NoticeTemplate.objects.get_or_create(
            kind=kind, defaults={"subject": subject, "body": body}
        )


class Migration(migrations.Migration):
    dependencies = [("communications", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
