"""The dashboard's figures come from a snapshot the worker's sweep refreshes: the
page only reads it, and never shows one older than DASHBOARD_MAX_AGE_SECONDS."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit import dashboard_snapshot
from orderreview.tasks_sweep import sweeps_run
from orders.models import Order
from tests import factories


def _drafts(snapshot: dashboard_snapshot.Snapshot) -> int:
    return {s: n for s, _, n in snapshot.figures.orders_by_status}["draft"]


def test_the_first_view_computes_the_figures_once(db):
    factories.OrderFactory()
    first = dashboard_snapshot.dashboard_current()
    assert _drafts(first) == 1
    with CaptureQueriesContext(connection) as queries:
        again = dashboard_snapshot.dashboard_current()
    # Only the snapshot look-up; none of the aggregates.
    assert len(queries) == 1
    assert again.as_of == first.as_of and _drafts(again) == 1


def test_the_worker_sweep_brings_a_change_into_the_figures(db):
    order = factories.OrderFactory()
    dashboard_snapshot.dashboard_current()
    order.status = Order.Status.AWAITING_REVIEW
    order.save()
    assert _drafts(dashboard_snapshot.dashboard_current()) == 1  # not yet swept

    summaries = sweeps_run()

    assert "dashboard figures recomputed" in summaries
    assert _drafts(dashboard_snapshot.dashboard_current()) == 0


def test_a_sweep_without_changes_only_marks_the_figures_current(db):
    factories.OrderFactory()
    stored = dashboard_snapshot.dashboard_current()
    assert dashboard_snapshot.dashboard_sweep() == "dashboard figures unchanged"
    checked = dashboard_snapshot.dashboard_current()
    assert checked.as_of > stored.as_of
    assert checked.figures == stored.figures


def test_figures_older_than_the_stated_age_are_recomputed_on_view(db, settings):
    order = factories.OrderFactory()
    past = timezone.now() - dt.timedelta(seconds=settings.DASHBOARD_MAX_AGE_SECONDS + 1)
    dashboard_snapshot.dashboard_refresh(now=past)
    order.status = Order.Status.AWAITING_REVIEW
    order.save()
    current = dashboard_snapshot.dashboard_current()
    assert _drafts(current) == 0
    assert current.as_of > past


def test_the_page_says_when_the_figures_are_from(client, approver):
    client.force_login(approver)
    snapshot = dashboard_snapshot.dashboard_refresh()
    page = client.get(reverse("home")).content.decode()
    shown = timezone.localtime(snapshot.as_of).strftime("%H:%M")
    assert f">{shown}</time>" in page
    assert "Figures as of" in page
