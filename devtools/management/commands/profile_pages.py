"""manage.py profile_pages: the server's own work per page, one request at a time.

Each page is requested through Django's test client (the whole middleware stack,
no network, no gunicorn) as the user who would open it, a few times to warm the
caches, then --requests times. It prints the wall time and the process's CPU time
per request (CPU time is what the server spends in Python; it moves less than wall
time on a shared machine) and the SQL queries per request. --profile runs the
timed requests under cProfile and prints where the time went: compiling SQL,
waiting for PostgreSQL, rendering templates, and the top functions.

Timing runs with DEBUG off (as in production: no query log kept), whatever
DJANGO_DEBUG says; --debug keeps the setting as it is.
"""

import cProfile
import io
import pstats
import statistics
import time
from collections.abc import Callable

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orderreview.models import User

# The stages a page's time is grouped into: (label, file ending, function name).
# Cumulative times, so a stage includes what it calls (SQL compile does not include
# the round trip to PostgreSQL; rendering includes the queries a template runs).
STAGES = [
    ("compile SQL", "django/db/models/sql/compiler.py", "as_sql"),
    ("compile SQL (setup)", "django/db/models/sql/compiler.py", "pre_sql_setup"),
    ("PostgreSQL round trips", "django/db/backends/utils.py", "_execute"),
    ("build model objects", "django/db/models/base.py", "from_db"),
    ("render templates", "django/template/base.py", "render"),
    ("middleware + view", "django/core/handlers/base.py", "_get_response"),
]


def _order_args() -> list[str] | None:
    from orders.models import Order

    order = Order.objects.exclude(status="draft").order_by("-pk").first()
    return [order.number] if order else None


# name, URL name, arguments (a callable picking an object), query string, user
PAGES: list[tuple[str, str, Callable[[], list | None], str, str | None]] = [
    ("login page", "login", lambda: [], "", None),
    ("order list", "orders:order_list", lambda: [], "", "service"),
    (
        "order list filtered",
        "orders:order_list",
        lambda: [],
        "?status=in_review&channel=phone",
        "service",
    ),
    ("order detail", "orders:order_detail", _order_args, "", "service"),
    (
        "communications",
        "communications:communication_list",
        lambda: [],
        "",
        "service",
    ),
    ("audit timeline", "audit:timeline", lambda: [], "", "auditor"),
    ("dashboard", "home", lambda: [], "", "approver"),
    ("customers", "orders:customer_list", lambda: [], "", "service"),
]


def _stage_times(stats: pstats.Stats) -> dict[str, float]:
    """Cumulative seconds of each stage's function (outermost calls only)."""
    found = dict.fromkeys((label for label, _, _ in STAGES), 0.0)
    for (filename, _, function), row in stats.stats.items():  # type: ignore[attr-defined]
        cumulative = row[3]
        for label, ending, name in STAGES:
            if function == name and filename.endswith(ending):
                found[label] += cumulative
    return found


class Command(BaseCommand):
    help = (
        "Time pages through the test client on the current database: ms and "
        "queries per request, optionally where the time goes (cProfile)."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--requests", type=int, default=50)
        parser.add_argument("--warmup", type=int, default=5)
        parser.add_argument(
            "--only", default="", help="Only the pages whose name holds this text."
        )
        parser.add_argument(
            "--user", default="", help="Every page as this user (default: per page)."
        )
        parser.add_argument(
            "--profile",
            type=int,
            default=0,
            metavar="N",
            help="Profile the timed requests; print the N top functions by own time.",
        )
        parser.add_argument(
            "--sql", action="store_true", help="Print each page's queries (shortened)."
        )
        parser.add_argument(
            "--debug", action="store_true", help="Keep DEBUG as the settings say."
        )

    def handle(self, *args: object, **options: object) -> None:
        pages = [p for p in PAGES if options["only"] in p[0]]
        if not pages:
            raise CommandError(f"No page's name holds {options['only']!r}.")
        debug = settings.DEBUG if options["debug"] else False
        host = (settings.ALLOWED_HOSTS or ["localhost"])[0]
        results = []
        with override_settings(DEBUG=debug, ALLOWED_HOSTS=[host]):
            for name, url_name, pick, query, username in pages:
                arguments = pick()
                if arguments is None:
                    self.stdout.write(f"{name:<22} skipped: nothing to show")
                    continue
                path = reverse(url_name, args=arguments) + query
                client = Client(HTTP_HOST=host)
                username = options["user"] or username
                if username and url_name != "login":
                    client.force_login(User.objects.get(username=username))
                results.append(self._measure(client, name, path, username, options))
        self._summary(results)

    def _measure(
        self, client: Client, name: str, path: str, user: str | None, options: dict
    ) -> dict:
        for _ in range(options["warmup"]):
            self._get(client, path)
        with CaptureQueriesContext(connection) as queries:
            self._get(client, path)
        # Counted now: the next request empties the connection's query log.
        query_count = len(queries.captured_queries)
        if options["sql"]:
            self.stdout.write(f"\n== {name}: {query_count} queries")
            for number, query in enumerate(queries.captured_queries, 1):
                self.stdout.write(
                    f"{number:>3}. {query['time']:>6} s  {query['sql'][:300]}"
                )
        walls, cpus = [], []
        for _ in range(options["requests"]):
            wall, cpu = time.perf_counter(), time.process_time()
            self._get(client, path)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        row = {
            "page": name,
            "path": path,
            "user": user or "anonymous",
            "wall_ms": statistics.median(walls) * 1000,
            "wall_min_ms": min(walls) * 1000,
            "cpu_ms": statistics.mean(cpus) * 1000,
            "queries": query_count,
        }
        if options["profile"]:
            # Apart from the timed requests: the profiler slows Python down.
            profiler = cProfile.Profile()
            for _ in range(options["requests"]):
                profiler.runcall(self._get, client, path)
            self._report_profile(profiler, row, options)
        return row

    def _get(self, client: Client, path: str) -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise CommandError(f"{path} answered {response.status_code}.")
        # Render a streaming or lazy response fully, as a server would send it.
        b"".join(response) if response.streaming else response.content

    def _report_profile(self, profiler: cProfile.Profile, row: dict, options: dict):
        stats = pstats.Stats(profiler)
        total = stats.total_tt or 1e-9  # type: ignore[attr-defined]
        per_request = 1000 / options["requests"]
        self.stdout.write(
            f"\n== {row['page']} ({row['path']} as {row['user']}): profiled "
            f"{total * per_request:.1f} ms per request"
        )
        for label, seconds in _stage_times(stats).items():
            self.stdout.write(
                f"   {label:<24}{seconds * per_request:>8.1f} ms"
                f"{100 * seconds / total:>6.0f} %"
            )
        buffer = io.StringIO()
        stats.stream = buffer  # type: ignore[attr-defined]
        stats.sort_stats("tottime").print_stats(options["profile"])
        lines = buffer.getvalue().splitlines()
        start = next(i for i, x in enumerate(lines) if "ncalls" in x)
        self.stdout.write("\n".join(lines[start:]).rstrip() + "\n")

    def _summary(self, results: list[dict]) -> None:
        self.stdout.write(
            f"\n{'page':<22}{'user':<10}{'ms':>8}{'min ms':>8}{'cpu ms':>8}"
            f"{'queries':>8}"
        )
        for row in results:
            self.stdout.write(
                f"{row['page']:<22}{row['user']:<10}{row['wall_ms']:>8.1f}"
                f"{row['wall_min_ms']:>8.1f}{row['cpu_ms']:>8.1f}{row['queries']:>8}"
            )
        self.stdout.write(
            f"{len(results)} pages, one request at a time (median wall time, mean "
            "CPU time of this process per request)."
        )
