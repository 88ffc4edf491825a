"""url_filler() gives exactly what reverse() gives, for every row's values."""

import pytest
from django.urls import reverse

from orderreview.urlfill import url_filler

CASES = [
    ("orders:order_detail", [["SO-2026-000042"], ["QU-2026-000001"], ["Ä b&c?d"]]),
    ("audit:object_history", [["orders.order", 7], ["reviews.assessment", 123456]]),
    ("audit:order_as_of", [["SO-2026-000042"], ["x y"]]),
    ("orders:customer_detail", [[1], [98765]]),
    ("orders:requirement_file", [["SO-2026-000042", 7], ["Ä b&c?d", 123456]]),
    ("communications:communication_detail", [[1], [98765]]),
]


@pytest.mark.parametrize(("name", "rows"), CASES)
def test_filled_urls_are_what_reverse_gives(name, rows):
    fill = url_filler(name, len(rows[0]))
    for values in rows:
        assert fill(*values) == reverse(name, args=values)


def test_a_wrong_number_of_values_is_refused():
    fill = url_filler("audit:object_history", 2)
    with pytest.raises(TypeError):
        fill("orders.order")
