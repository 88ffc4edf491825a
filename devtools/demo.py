"""Idempotent demo data for `make run`: one user per role, disciplines, customers.

Later apps add their own demo content (order forms, orders) through seed_demo's hooks.
"""

from pathlib import Path

from django.contrib.auth.models import Group

from orderreview import roles
from orderreview.models import User
from orders.models import Customer, Discipline, OrderForm
from orders.orderforms import json_io
from orders.orderforms.services import version_import

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
    seed_demo_offerings()
    seed_demo_register()
    # Imported here: the demo orders module reads DEMO_PASSWORD from this one.
    from devtools.demo_orders import seed_demo_orders

    orders = seed_demo_orders()
    return {"users": users, "customers": Customer.objects.count(), "orders": orders}


# slug of the order form the forms engineer seeds, offering name, description
DEMO_OFFERINGS = [
    (
        "cnc-machining",
        "Precision machined parts",
        "CNC turned and milled parts in steel, stainless and aluminium, from "
        "prototypes to series of thousands, with inspection reports on request.",
    ),
    (
        "calibration-service",
        "Calibration service",
        "Accredited calibration of gauges and instruments, with certificates "
        "traceable to national standards.",
    ),
]


def seed_demo_offerings() -> None:
    """Two catalog entries, for whichever demo order forms exist (by slug)."""
    from communications.models import Offering

    forms = OrderForm.objects.in_bulk(
        [slug for slug, _, _ in DEMO_OFFERINGS], field_name="slug"
    )
    if not forms:
        # Before the forms app seeds its demo forms, use whatever forms exist.
        fallback = list(OrderForm.objects.filter(active=True).order_by("pk")[:2])
        forms = {
            slug: form
            for (slug, _, _), form in zip(DEMO_OFFERINGS, fallback, strict=False)
        }
    for position, (slug, name, description) in enumerate(DEMO_OFFERINGS):
        form = forms.get(slug)
        if form is None:
            continue
        Offering.objects.get_or_create(
            name=name,
            defaults={
                "description": description,
                "order_form": form,
                "position": position,
            },
        )


# reference, title, kind, jurisdiction, discipline, forms (slugs), offerings, link
DEMO_REGISTER = [
    (
        "Directive 2011/65/EU (RoHS)",
        "Restriction of hazardous substances in electrical equipment",
        "directive",
        "EU",
        "quality",
        ["cnc-machining"],
        ["Precision machined parts"],
        "https://eur-lex.europa.eu/eli/dir/2011/65/oj",
    ),
    (
        "Regulation (EC) 1907/2006 (REACH)",
        "Registration, evaluation and authorisation of chemicals",
        "regulation",
        "EU",
        "quality",
        ["cnc-machining"],
        [],
        "https://eur-lex.europa.eu/eli/reg/2006/1907/oj",
    ),
    (
        "Directive 2014/68/EU (PED)",
        "Pressure equipment",
        "directive",
        "EU",
        "engineering",
        ["cnc-machining"],
        [],
        "https://eur-lex.europa.eu/eli/dir/2014/68/oj",
    ),
    (
        "ISO/IEC 17025:2017",
        "Competence of testing and calibration laboratories",
        "standard",
        "International",
        "quality",
        ["calibration-service"],
        ["Calibration service"],
        "",
    ),
]


def seed_demo_register() -> None:
    """The register's demo entries, linked to the demo forms and offerings that
    exist, through the form admins' service (so their history names Fran)."""
    from communications.models import Offering
    from orders.regulations.models import StatutoryRequirement
    from orders.regulations.services import register_save

    user = User.objects.get(username="formadmin")
    for reference, title, kind, where, slug, forms, offerings, link in DEMO_REGISTER:
        if StatutoryRequirement.objects.filter(reference=reference).exists():
            continue
        entry = register_save(
            entry=None,
            user=user,
            title=title,
            reference=reference,
            kind=kind,
            jurisdiction=where,
            summary="",
            link=link,
            discipline=Discipline.objects.get(slug=slug),
            all_forms=False,
            forms=OrderForm.objects.filter(slug__in=forms),
            active=True,
        )
        for offering in Offering.objects.filter(name__in=offerings):
            offering.statutory_requirements.add(entry)


DEMO_FORMS_DIR = Path(__file__).resolve().parent / "demo_forms"


def demo_forms_seed(*, user: User | None = None) -> int:
    """Load devtools/demo_forms/*.json as published forms; forms already there are
    left alone, so seed_demo can run again. Returns how many forms were created."""
    paths = sorted(DEMO_FORMS_DIR.glob("*.json"))
    if not paths:
        raise FileNotFoundError(f"No demo order forms in {DEMO_FORMS_DIR}")
    created = 0
    for path in paths:
        data = json_io.parse(path.read_bytes())
        if OrderForm.objects.filter(slug=data["slug"]).exists():
            continue
        version_import(
            data=data, user=user, publish=True, change_note="Demo form, first release."
        )
        created += 1
    return created
