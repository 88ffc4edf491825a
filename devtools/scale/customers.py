"""Customers for seed_scale, made before the orders that name them."""

from datetime import timedelta

from devtools.scale.context import Context
from devtools.scale.orders import SPAN_DAYS
from orders.models import Customer

FIRST_WORDS = [
    "Acme",
    "Nordic",
    "Helix",
    "Delta",
    "Orion",
    "Vega",
    "Atlas",
    "Polar",
    "Summit",
    "Zenith",
]
SECOND_WORDS = [
    "Precision",
    "Instruments",
    "Medical",
    "Robotics",
    "Motors",
    "Optics",
    "Tooling",
]
SUFFIXES = ["Ltd", "AB", "GmbH", "Inc.", "S.A.", "B.V.", "Oy", "SpA"]


def customers_add(ctx: Context, count: int) -> None:
    service = ctx.users["service"]
    base = Customer.objects.count()
    for index in range(count):
        serial = base + index + 1
        name = (
            f"{ctx.rnd.choice(FIRST_WORDS)} {ctx.rnd.choice(SECOND_WORDS)} "
            f"{serial} {ctx.rnd.choice(SUFFIXES)}"
        )
        when = ctx.now - timedelta(days=SPAN_DAYS + 30)
        row = ctx.add(
            Customer,
            {
                "name": name,
                "account_code": f"SC-{serial:06d}",
                "contact_name": f"Buyer {serial}",
                "email": f"orders{serial}@customer.example",
                "phone": f"+44 20 7946 {serial % 10000:04d}",
                "address": f"{serial} Industrial Way",
                "notes": "",
                "created_at": when,
            },
            user=service,
            when=when,
        )
        ctx.customers.append((row["id"], row["account_code"], row["name"]))
