import csv
import io
import tracemalloc

import pytest
from django.db import connection
from django.urls import reverse

from tests import factories
from tests.audit import builders

LARGE = 50_000


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_export_streams_the_filtered_timeline_as_csv(client, auditor, service_user):
    order = factories.OrderFactory()
    order.customer_reference = "PO-NEW"
    builders.save(order, by=service_user, reason="Customer changed the PO")
    factories.OrderFactory()  # another order, filtered out
    client.force_login(auditor)
    response = client.get(
        reverse("audit:timeline_export"),
        {"order": order.number, "model": "orders.order"},
    )
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    header, *rows = _csv(response)
    assert header[:3] == ["history_date", "user", "model"]
    assert [(row[2], row[3], row[5]) for row in rows] == [
        ("orders.order", str(order.pk), "Changed"),
        ("orders.order", str(order.pk), "Created"),
    ]
    assert rows[0][1] == service_user.username
    assert rows[0][4] == order.number
    assert rows[0][6] == "Customer changed the PO"


def test_export_neutralises_spreadsheet_formulas(client, auditor, service_user):
    customer = factories.CustomerFactory()
    customer.notes = "x"
    builders.save(customer, by=service_user, reason='=HYPERLINK("http://evil")')
    client.force_login(auditor)
    response = client.get(
        reverse("audit:timeline_export"), {"model": "orders.customer"}
    )
    _, *rows = _csv(response)
    assert rows[0][6] == '\'=HYPERLINK("http://evil")'


def test_export_with_a_bad_filter_shows_the_form_again(client, auditor):
    client.force_login(auditor)
    response = client.get(reverse("audit:timeline_export"), {"order": "SO-0-0"})
    assert response.status_code == 200
    assert not response.streaming
    assert "No order has the number SO-0-0." in response.content.decode()


def test_export_refuses_others(client, reviewer, auditor):
    url = reverse("audit:timeline_export")
    assert client.get(url).status_code == 302
    client.force_login(reviewer)
    assert client.get(url).status_code == 403
    client.force_login(auditor)
    assert client.post(url).status_code == 405


def _generate_customer_history(rows: int) -> None:
    """Insert history rows straight into the history table (INSERT is allowed:
    the table is append-only, not closed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO orders_historicalcustomer
                (id, name, account_code, contact_name, email, phone, address, notes,
                 created_at, history_date, history_change_reason, history_type,
                 history_user_id)
            SELECT n, 'Customer ' || n, 'GEN-' || n, '', '', '', '', '',
                   now(), now() - n * interval '1 second', 'generated', '+', NULL
            FROM generate_series(1, %s) AS n
            """,
            [rows],
        )


@pytest.mark.django_db
def test_a_large_export_streams_in_bounded_memory(client, auditor):
    _generate_customer_history(LARGE)
    client.force_login(auditor)
    lines = 0
    # Measured from the request on: a view that loaded the rows before streaming
    # would show here as much as one that loaded them while streaming.
    tracemalloc.start()
    try:
        response = client.get(
            reverse("audit:timeline_export"), {"model": "orders.customer"}
        )
        chunks = iter(response.streaming_content)
        # The header, then the first row: by now the query is running.
        for _ in range(2):
            lines += next(chunks).count(b"\n")
        # The rows come through a server-side cursor held open while streaming.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_cursors WHERE name LIKE '_django%%'"
            )
            assert cursor.fetchone()[0] == 1
        for chunk in chunks:
            lines += chunk.count(b"\n")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert lines == LARGE + 1
    # All 50,000 rows as Python objects take tens of MB; one 2,000-row chunk ~2 MB.
    assert peak < 8 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
