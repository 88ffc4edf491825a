"""The dashboard's figures, off the request path: a stored snapshot the task worker
refreshes, which the home page only reads.

The figures aggregate every order: about a second at 100,000 orders, ten at a
million. The worker's sweep (TASK_WORKER_SWEEPS, every TASK_SWEEP_INTERVAL_SECONDS)
compares dashboard.data_version() -- one index look-up per table -- with the
snapshot's, recomputes only when it moved or the day changed, and otherwise marks
the snapshot checked. The page shows "figures as of HH:MM". The snapshot is never
older than DASHBOARD_MAX_AGE_SECONDS when shown: a page that finds none, one from
another day, or one too old (no worker running) computes the figures once itself
and stores them for the next views. The snapshot lives in the database cache every
app server and the worker share.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, fields

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from audit import dashboard

# Named after the figures' fields, so a release that adds a figure never reads a
# snapshot pickled by the one before (it lacks the new attribute).
KEY = (
    "dashboard:snapshot:"
    + hashlib.sha256(
        ",".join(f.name for f in fields(dashboard.Dashboard)).encode()
    ).hexdigest()[:12]
)


@dataclass(frozen=True)
class Snapshot:
    figures: dashboard.Dashboard
    version: str
    # When the figures were last known to be current (computed or checked).
    as_of: dt.datetime

    @property
    def today(self) -> dt.date | None:
        return self.figures.today


def _store(snapshot: Snapshot) -> Snapshot:
    cache.set(KEY, snapshot, None)
    return snapshot


def dashboard_refresh(
    *, now: dt.datetime | None = None, version: str | None = None
) -> Snapshot:
    """Compute every figure now and store them: the data version (unless the
    caller just read it), the dashboard's 8 queries and the cache write."""
    now = now or timezone.now()
    version = version or dashboard.data_version()
    figures = dashboard.dashboard(today=timezone.localdate(now))
    return _store(Snapshot(figures=figures, version=version, as_of=now))


def _usable(snapshot: object, now: dt.datetime) -> bool:
    if not isinstance(snapshot, Snapshot):
        return False
    if snapshot.today != timezone.localdate(now):
        return False
    age = (now - snapshot.as_of).total_seconds()
    return age <= settings.DASHBOARD_MAX_AGE_SECONDS


def dashboard_current(*, now: dt.datetime | None = None) -> Snapshot:
    """The stored snapshot (one query), or figures computed once when there is none
    usable: none yet, from another day, or older than DASHBOARD_MAX_AGE_SECONDS."""
    now = now or timezone.now()
    snapshot = cache.get(KEY)
    if _usable(snapshot, now):
        return snapshot
    return dashboard_refresh(now=now)


def dashboard_sweep(*, older_than: dt.timedelta | None = None) -> str:
    """The worker's sweep: recompute the figures if their data changed (or the day
    did), otherwise mark the stored ones current; a one-line summary. older_than is
    the stuck-task cutoff the sweeps share, not used here."""
    now = timezone.now()
    snapshot = cache.get(KEY)
    same_day = isinstance(snapshot, Snapshot) and snapshot.today == timezone.localdate(
        now
    )
    version = dashboard.data_version()
    if same_day and snapshot.version == version:
        _store(Snapshot(snapshot.figures, snapshot.version, as_of=now))
        return "dashboard figures unchanged"
    dashboard_refresh(now=now, version=version)
    return "dashboard figures recomputed"
