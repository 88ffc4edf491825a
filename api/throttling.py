"""The rate limit: API_RATE_LIMIT requests per token (per person for the session
of the interactive docs, per client address for the public schema).

The generic cell rate algorithm, in one SQL statement per request: each caller's
row holds when its allowance is full again (full_at). A request moves full_at one
interval (period / count) further, from now or from where it stood, and is allowed
when that stays within one period of now: a caller may send `count` requests at
once, then one per interval. The rows live in PostgreSQL, so the limit holds across
every app server process; no cache round trips, no cull.
"""

import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from api.models import ApiToken, RateAllowance
from orderreview.clientip import client_ip

if TYPE_CHECKING:  # DRF imports this module while its views module loads.
    from rest_framework.views import APIView

PERIOD_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"([1-9]\d*)/(second|minute|hour|day)")

TABLE = RateAllowance._meta.db_table
# Allowed: insert or move full_at, returning nothing when it would pass the period.
_TAKE_SQL = f"""
INSERT INTO {TABLE} AS allowance (caller, full_at)
VALUES (%(caller)s, clock_timestamp() + make_interval(secs => %(interval)s))
ON CONFLICT (caller) DO UPDATE
SET full_at = GREATEST(allowance.full_at, clock_timestamp())
    + make_interval(secs => %(interval)s)
WHERE GREATEST(allowance.full_at, clock_timestamp())
    + make_interval(secs => %(interval)s)
    <= clock_timestamp() + make_interval(secs => %(period)s)
RETURNING 1
"""  # noqa: S608 (the table name is our model's; values are parameters)
_WAIT_SQL = f"""
SELECT EXTRACT(EPOCH FROM full_at - clock_timestamp())
FROM {TABLE} WHERE caller = %s
"""  # noqa: S608


def rate() -> tuple[int, int]:
    """(requests, period in seconds) of API_RATE_LIMIT, read when asked so a
    deployment (or a test) can change it."""
    count, unit = _RATE.fullmatch(settings.API_RATE_LIMIT).groups()
    return int(count), PERIOD_SECONDS[unit]


class ApiTokenThrottle(BaseThrottle):
    def caller(self, request: Request) -> str:
        if isinstance(request.auth, ApiToken):
            return f"token-{request.auth.pk}"
        if request.user and request.user.is_authenticated:
            return f"user-{request.user.pk}"
        return f"ip-{client_ip(request._request)}"[:100]

    def allow_request(self, request: Request, view: "APIView") -> bool:
        count, period = rate()
        interval = period / count
        caller = self.caller(request)
        with connection.cursor() as cursor:
            cursor.execute(
                _TAKE_SQL, {"caller": caller, "interval": interval, "period": period}
            )
            if cursor.fetchone():
                return True
            # Refused: the next request fits when full_at is one interval inside
            # the period again.
            cursor.execute(_WAIT_SQL, [caller])
            (until_full,) = cursor.fetchone()
        self._wait = max(float(until_full) - period + interval, 0.0)
        return False

    def wait(self) -> float:
        return self._wait


def expired_allowances_purge() -> int:
    """Forget callers whose allowance is full again (their row says nothing)."""
    count, _ = RateAllowance.objects.filter(full_at__lt=timezone.now()).delete()
    return count
