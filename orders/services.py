"""Writes that matter in the orders app. Each is one transaction."""

from django.conf import settings
from django.db import connection
from django.utils import timezone


def order_number_next() -> str:
    """The next order number, e.g. SO-2026-000042, from a database sequence.

    The sequence never hands out a value twice, however many processes ask at once.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('orders_order_number_seq')")
        (value,) = cursor.fetchone()
    return f"{settings.ORDER_NUMBER_PREFIX}-{timezone.now().year}-{value:06d}"
