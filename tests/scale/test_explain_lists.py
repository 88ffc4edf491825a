"""explain_lists runs EXPLAIN ANALYZE on every list query and says what it found."""

from io import StringIO

from django.core.management import call_command

from devtools import scale
from orders.models import Order


def test_every_list_query_is_explained(db):
    scale.seed_scale(orders=3)
    out = StringIO()

    call_command("explain_lists", "--markdown", stdout=out)

    text = out.getvalue()
    for name in ("| orders |", "| orders sort=requested |", "| communications |"):
        assert name in text
    assert "| my reviews |" in text and "| audit timeline |" in text
    assert f"list queries explained on {Order.objects.count()} orders" in text
