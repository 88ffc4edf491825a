import threading

import pytest
from django.db import connection

from orders.models import Channel, Order
from requirements import services as req_services

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8
ORDERS_EACH = 5


def test_concurrent_entry_never_hands_out_a_number_twice(
    intake_version, customer, service_user
):
    barrier = threading.Barrier(THREADS)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def enter_orders() -> None:
        # Each thread gets its own database connection (Django connections are
        # per thread), so the sequence is hit by truly concurrent transactions.
        try:
            barrier.wait()
            for _ in range(ORDERS_EACH):
                revision = req_services.intake_start(
                    user=service_user,
                    form_version=intake_version,
                    channel=Channel.PHONE,
                    customer=customer,
                )
                with lock:
                    numbers.append(revision.order.number)
        except BaseException as error:  # reported below, in the test thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=enter_orders) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(numbers) == THREADS * ORDERS_EACH
    assert len(set(numbers)) == len(numbers)
    assert Order.objects.count() == len(numbers)
