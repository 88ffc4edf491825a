"""Idempotent demo data for `make run`: one user per role, disciplines, customers.

Later apps add their own demo content (order forms, orders) through seed_demo's hooks.
"""

from django.contrib.auth.models import Group

from orderreview import roles
from orderreview.models import User
from orders.form_services import demo_forms_seed
from orders.models import Customer, Discipline

DEMO_PASSWORD = "orderreview-demo"  # noqa: S105 (demo accounts, printed by make run)

# username, first name, last name, roles, disciplines, staff
DEMO_USERS = [
    ("service", "Sam", "Service", [roles.CUSTOMER_SERVICE], [], False),
    ("engineer", "Erin", "Engineer", [roles.REVIEWER], ["engineering"], False),
    ("planner", "Pat", "Planner", [roles.REVIEWER], ["production"], False),
    ("quality", "Quinn", "Quality", [roles.REVIEWER], ["quality"], False),
    (
        "approver",
        "Alex",
        "Approver",
        [roles.REVIEWER, roles.APPROVER],
        ["commercial"],
        False,
    ),
    ("auditor", "Ada", "Auditor", [roles.AUDITOR], [], False),
    ("formadmin", "Fran", "Formadmin", [roles.FORM_ADMIN], [], True),
    ("admin", "Ari", "Admin", list(roles.ALL_ROLES), [], True),
]

DEMO_CUSTOMERS = [
    (
        "ACME-001",
        "Acme Precision Ltd",
        "Jo Buyer",
        "buyer@acme.example",
        "+44 20 7946 0001",
    ),
    (
        "NORD-014",
        "Nordic Instruments AB",
        "Lars Inköp",
        "orders@nordic.example",
        "+46 8 123 456",
    ),
    (
        "HELIX-07",
        "Helix Medical GmbH",
        "Dr. Mia Weber",
        "procurement@helix.example",
        "",
    ),
]


def seed_demo() -> dict[str, object]:
    users = []
    for username, first, last, role_names, discipline_slugs, staff in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@orderreview.invalid",
                "is_staff": staff,
                "is_superuser": username == "admin",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(*Group.objects.filter(name__in=role_names))
        for discipline in Discipline.objects.filter(slug__in=discipline_slugs):
            discipline.members.add(user)
        users.append((username, DEMO_PASSWORD, role_names))

    for code, name, contact, email, phone in DEMO_CUSTOMERS:
        Customer.objects.get_or_create(
            account_code=code,
            defaults={
                "name": name,
                "contact_name": contact,
                "email": email,
                "phone": phone,
            },
        )
    demo_forms_seed(user=User.objects.get(username="formadmin"))
    return {"users": users, "customers": Customer.objects.count()}
