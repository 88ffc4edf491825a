"""make bench's order of many lines is a real one: entered, assessed and signed
through the services, so its record shows every line and its signature verifies."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from devtools.demo import seed_demo
from devtools.scale import large_order
from orderreview.models import User
from reviews.models import Review
from reviews.selectors import chain_report


@pytest.mark.django_db
def test_the_bench_order_of_many_lines_is_accepted_signed_and_made_once(client):
    seed_demo()
    order = large_order.large_order_seed(lines=4, questions=5)
    assert order.status == "accepted"
    assert order.customer_reference == "BENCH-4x5"
    revision = order.revisions.get()
    keys = set(revision.requirements.values_list("key", flat=True))
    assert keys == {"po_number"} | {
        f"L{line}.{key}"
        for line in range(1, 5)
        for key, *_ in large_order.LINE_QUESTIONS[:5]
    }
    review = Review.objects.get(requirement_set=revision)
    assert not review.assessments.filter(verdict="").exists()
    assert chain_report().ok
    call_command("verify_signatures")
    # Run again: the same order, nothing new.
    assert large_order.large_order_seed(lines=4, questions=5) == order
    client.force_login(User.objects.get(username="admin"))
    page = client.get(
        reverse("reviews:acceptance_record", args=[order.number, 1])
    ).content.decode()
    assert 'id="record-L4">Line 4</h3>' in page
    assert 'data-verification="ok"' in page
