"""What make bench measures (issue 19): every page of the issue's list, "My reviews"
as the reviewer with the longest queue, and how long the task worker takes to
recompute the dashboard's figures after a decision."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from devtools import bench_pages
from devtools.demo import DEMO_PASSWORD
from devtools.management.commands import bench
from orderreview.models import User
from reviews.models import Assessment, Review


@pytest.fixture
def seeded(db):
    call_command("seed_scale", orders=40, stdout=io.StringIO())


def test_the_pages_include_my_reviews_of_the_busiest_reviewer(seeded):
    pages = bench_pages.bench_pages()
    names = [page[0] for page in pages]
    for wanted in (
        "baseline (trivial view)",
        "order list",
        "order detail",
        "review page",
        "audit timeline",
        "dashboard",
        "search: order number prefix",
        "search: customer code",
        "search: customer reference",
        "search: communication text",
        "audit timeline by order",
        "audit timeline by user",
        "order as of now",
        "my reviews (busy reviewer)",
        "dashboard (approver)",
    ):
        assert wanted in names
    (mine,) = [page for page in pages if page[0] == "my reviews (busy reviewer)"]
    name, path, username = mine
    assert path == reverse("reviews:my_reviews")
    reviewer = User.objects.get(username=username)
    open_slots = Assessment.objects.filter(review__state=Review.State.OPEN)
    mine_count = open_slots.filter(discipline__members=reviewer).count()
    for discipline_slots in (
        open_slots.filter(discipline=d).count()
        for d in {a.discipline for a in open_slots.select_related("discipline")}
    ):
        assert mine_count >= discipline_slots
    # The page the bench drives is that reviewer's queue, and not empty.
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    response = client.get(path)
    assert response.status_code == 200
    assert response.context["reviews"]


def test_the_approvers_dashboard_is_seen_as_an_approver(seeded):
    (row,) = [p for p in bench_pages.bench_pages() if p[0] == "dashboard (approver)"]
    client = Client()
    assert client.login(username=row[2], password=DEMO_PASSWORD)
    response = client.get(row[1])
    assert response.status_code == 200
    assert "dashboard" in response.context


def test_the_as_of_page_replays_the_history_not_only_the_form(seeded):
    (as_of,) = [
        page for page in bench_pages.bench_pages() if page[0] == "order as of now"
    ]
    assert "?at=" in as_of[1]
    client = Client()
    assert client.login(username="admin", password=DEMO_PASSWORD)
    response = client.get(as_of[1])
    assert response.status_code == 200
    assert response.context["snapshot"] is not None


def test_the_report_says_how_long_the_dashboard_recompute_took():
    table = bench.markdown_table(
        {
            "orders": 10,
            "load_average": (0.5, 0.4, 0.3),
            "pages": [
                {
                    "page": "dashboard",
                    "rps": 50.0,
                    "p50_ms": 10.0,
                    "p95_ms": 20.0,
                    "p99_ms": 30.0,
                    "ratio": 0.1,
                }
            ],
            "worker_peak_rss_mb": [90.0, 91.0],
            "dashboard_recompute_seconds": 1.2,
        }
    )
    assert "| dashboard | 50 | 10.0 | 20.0 | 30.0 | 0.100 |" in table
    assert "after a decision, off the request path): 1.2 s" in table
