"""Dashboard figures against numbers worked out by hand from a small history."""

import datetime as dt
import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit import dashboard, dashboard_snapshot
from orders.models import Order
from requirements.models import RequirementSet
from reviews.models import Decision
from tests import factories
from tests.audit import builders

TODAY = dt.date(2026, 3, 18)  # a Wednesday of ISO week 2026-W12


def at(day: int, hour: int, month: int = 3, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, 1, tzinfo=dt.UTC) + dt.timedelta(
        days=day - 1, hours=hour
    )


def _reviewed(by, approver, *, opened, decided, outcome="accept", due=None, reasons=""):
    order, revision, _ = builders.submitted_order(by=by)
    review = builders.open_review(
        revision, by=approver, opened_at=opened, due=due or opened.date()
    )
    builders.decide(review, outcome=outcome, by=approver, at=decided, reasons=reasons)
    return order


@pytest.fixture
def history(db, service_user, approver):
    """Orders A..H; the docstring of each test says which figures they make."""
    a = _reviewed(service_user, approver, opened=at(2, 8), decided=at(2, 18))  # 10 h
    b = _reviewed(
        service_user,
        approver,
        opened=at(3, 8),
        decided=at(4, 4),  # 20 h
        outcome="reject",
        reasons="Tolerance ±0.001 mm is beyond our grinding capability",
    )
    revision, _ = builders.change_order(b, by=service_user)
    review = builders.open_review(revision, by=approver, opened_at=at(4, 8))
    builders.decide(review, outcome="accept", by=approver, at=at(5, 14))  # 30 h
    c = _reviewed(service_user, approver, opened=at(5, 0), decided=at(6, 16))  # 40 h
    f = _reviewed(service_user, approver, opened=at(9, 10), decided=at(9, 16))  # 6 h
    # G: decided long before the turnaround window; still a first-pass acceptance.
    g = _reviewed(
        service_user, approver, opened=at(1, 8, 6, 2025), decided=at(2, 8, 6, 2025)
    )
    # D: open, due two days ago, with a draft change order (not yet a change).
    d, d_rev, _ = builders.submitted_order(by=service_user)
    builders.open_review(
        d_rev, by=approver, opened_at=at(10, 8), due=dt.date(2026, 3, 16)
    )
    factories.RequirementSetFactory(order=d, number=2, state=RequirementSet.State.DRAFT)
    # H: open, due tomorrow: not overdue.
    h, h_rev, _ = builders.submitted_order(by=service_user)
    builders.open_review(h_rev, by=approver, due=dt.date(2026, 3, 19))
    # E: an order still being entered.
    e = factories.RequirementSetFactory().order
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "h": h}


def test_orders_by_status(history):
    # Accepted: A, B (after its change), C, F, G. In review: D, H. Draft: E.
    assert dashboard.orders_by_status() == [
        ("draft", "Draft", 1),
        ("awaiting_review", "Awaiting review", 0),
        ("in_review", "In review", 2),
        ("accepted", "Accepted", 5),
        ("accepted_change_in_review", "Accepted — change in review", 0),
        ("rejected", "Rejected", 0),
        ("awaiting_agreement", "Awaiting customer agreement", 0),
        ("conditions_declined", "Conditions declined", 0),
    ]


def test_turnaround_median_and_90th_percentile_per_iso_week(history):
    weeks = dashboard.review_turnaround(today=TODAY)
    # W10: 10, 20, 30, 40 h -> median 25; p90 at rank 0.9 * 3 = 2.7 -> 30 + 0.7 * 10.
    # W11: F alone, 6 h. G (2025) is outside the 12-week window.
    assert [(w.label, w.reviews, w.median_hours, w.p90_hours) for w in weeks] == [
        ("2026-W10", 4, 25.0, 37.0),
        ("2026-W11", 1, 6.0, 6.0),
    ]


def test_first_pass_acceptance(history):
    # Decided orders: A, B, C, F, G. B's first decision was a rejection.
    rate = dashboard.first_pass_acceptance()
    assert (rate.numerator, rate.denominator, rate.percent) == (4, 5, 80.0)


def test_change_order_rate(history):
    # Submitted: A, B, C, D, F, G, H (E is a draft). Changed: B (D's is a draft).
    rate = dashboard.change_order_rate()
    assert (rate.numerator, rate.denominator, rate.percent) == (1, 7, 14.3)


def test_recent_rejections_carry_their_reasons(history):
    rejections = dashboard.recent_rejections()
    assert [(d.review.order, d.reasons) for d in rejections] == [
        (history["b"], "Tolerance ±0.001 mm is beyond our grinding capability")
    ]


def test_overdue_reviews(history):
    overdue, total = dashboard.overdue_reviews(today=TODAY)
    assert total == 1
    assert [(r.order, r.days_overdue) for r in overdue] == [(history["d"], 2)]


def test_overdue_total_counts_beyond_the_shown_rows(db, service_user, approver):
    for days in range(1, 5):
        _, revision, _ = builders.submitted_order(by=service_user)
        builders.open_review(revision, by=approver, due=TODAY - dt.timedelta(days=days))
    overdue, total = dashboard.overdue_reviews(today=TODAY, limit=2)
    assert total == 4
    assert [r.days_overdue for r in overdue] == [4, 3]


def test_empty_figures_do_not_divide_by_zero(db):
    figures = dashboard.dashboard(today=TODAY)
    assert figures.first_pass.percent is None
    assert figures.change_orders.percent is None
    assert figures.turnaround == [] and figures.overdue_total == 0


def test_percentile_rejects_fractions_outside_zero_to_one():
    with pytest.raises(ValueError):
        dashboard.PercentileCont("decided_at", 1.5)


@pytest.mark.parametrize("extra_orders", [0, 15])
def test_dashboard_takes_eight_queries_whatever_the_data(
    history, service_user, approver, django_assert_num_queries, extra_orders
):
    for day in range(extra_orders):
        _reviewed(
            service_user,
            approver,
            opened=at(11, day),
            decided=at(12, day),
            outcome="reject",
            reasons="No capacity",
        )
    # 1 overdue reviews with their total, 2 orders by status, 3 turnaround,
    # 4 first-pass acceptance, 5 change-order rate, 6 recent rejections,
    # 7 value by month, 8 quotes.
    with django_assert_num_queries(8):
        dashboard.dashboard(today=TODAY)


# --- on the home page --------------------------------------------------------


def test_approver_sees_the_dashboard_with_its_tables(client, approver, history):
    client.force_login(approver)
    page = client.get(reverse("home")).content.decode()
    assert 'id="dashboard"' in page
    assert page.count("<h1") == 1
    for table in ("status-table", "turnaround-table", "rates-table"):
        assert f'data-testid="{table}"' in page
    assert "Tolerance ±0.001 mm" in page
    assert 'id="dash-complaints"' in page


def test_chart_data_travels_as_json_and_scripts_are_files(client, approver, history):
    client.force_login(approver)
    page = client.get(reverse("home")).content.decode()
    match = re.search(
        r'<script id="dashboard-data" type="application/json">(.*?)</script>', page
    )
    data = json.loads(match.group(1))
    assert data["status"]["labels"][3] == "Accepted"
    assert data["status"]["values"][3] == 5
    assert set(data["turnaround"]) == {"labels", "median", "p90"}
    # No inline JavaScript: every script is a file or the JSON data block.
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "js/dashboard.js" in page and "chartjs/chart.umd.min.js" in page


def test_superuser_sees_the_dashboard(client, db):
    admin = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert 'id="dashboard"' in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("fixture", ["reviewer", "auditor", "service_user"])
def test_other_roles_do_not_see_the_dashboard(db, client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert 'id="dashboard"' not in response.content.decode()


def _home_queries(client) -> int:
    """Queries of a home page that computes the figures (no snapshot stored yet)."""
    cache.delete(dashboard_snapshot.KEY)
    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("home")).status_code == 200
    return len(context)


def test_home_with_dashboard_does_not_grow_with_the_data(
    client, approver, service_user
):
    client.force_login(approver)
    _reviewed(service_user, approver, opened=at(2, 8), decided=at(2, 18))
    few = _home_queries(client)
    for day in range(12):
        _reviewed(service_user, approver, opened=at(3, day), decided=at(4, day))
        _, revision, _ = builders.submitted_order(by=service_user)
        builders.open_review(revision, by=approver, due=TODAY - dt.timedelta(days=1))
    assert _home_queries(client) == few
    assert Order.objects.count() == 25
    assert Decision.objects.count() == 13
