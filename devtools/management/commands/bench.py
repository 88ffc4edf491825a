"""make bench: gunicorn with 2 workers on 127.0.0.1, driven by wrk at concurrency 8.

The benchmark runs against a database of its own (orderreview_bench on the same
server, created if missing) topped up to --orders orders by seed_scale, so `make
run`'s demo database stays small. The command prepares that database, then runs
itself again (--inner) with DATABASE_URL pointing at it.
"""

import json
import os
import re
import shutil
import signal
import subprocess  # noqa: S404 (starts gunicorn and wrk, no shell)
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from devtools.bench_pages import bench_pages, large_order_pages
from devtools.benchdb import (
    BENCH_DATABASE,
    app_database_refusal,
    bench_database_url,
    database_create_if_missing,
)
from devtools.demo import DEMO_PASSWORD

PORT = 8765
# The pages of the order of many lines take seconds each: measured this long.
HEAVY_SECONDS = 60
BASE = f"http://127.0.0.1:{PORT}"


def _login(username: str) -> str:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{BASE}/accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": DEMO_PASSWORD}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 (our own http:// address)
        f"{BASE}/accounts/login/", data=data, headers={"Referer": f"{BASE}/"}
    )
    opener.open(request, timeout=30)
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise CommandError(f"Could not log in as {username} for the benchmark.")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def _peak_rss_mb(master_pid: int) -> dict[int, float]:
    peaks = {}
    for child in (
        Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    ):
        status = Path(f"/proc/{child}/status").read_text()
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        if match:
            peaks[int(child)] = int(match.group(1)) / 1024
    return peaks


def argparse_suppress() -> str:
    import argparse

    return argparse.SUPPRESS


def markdown_table(results: dict) -> str:
    """The figures as the README's table."""
    lines = [
        f"{results['orders']} orders; load average after the run "
        + ", ".join(f"{x:.2f}" for x in results["load_average"]),
        "",
        "| page | req/s | p50 ms | p95 ms | p99 ms | vs baseline |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in results["pages"]:
        lines.append(
            f"| {row['page']} | {row['rps']:.0f} | {row['p50_ms']:.1f} | "
            f"{row['p95_ms']:.1f} | {row['p99_ms']:.1f} | {row['ratio']:.3f} |"
        )
    peaks = ", ".join(f"{mb:.0f} MB" for mb in results["worker_peak_rss_mb"])
    lines += ["", f"gunicorn worker peak RSS: {peaks}"]
    recompute = results.get("dashboard_recompute_seconds")
    if recompute is not None:
        lines.append(
            "Dashboard figures recomputed before the run (the task worker's work "
            f"after a decision, off the request path): {recompute} s"
        )
    lines.append("")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Benchmark the main pages with gunicorn (2 workers) and wrk (8 connections)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seconds", type=int, default=20)
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--user", default="admin")
        parser.add_argument(
            "--output", default=str(settings.BASE_DIR / "var" / "bench.json")
        )
        parser.add_argument(
            "--orders",
            type=int,
            default=100_000,
            help="Seed the benchmark database up to this many orders first.",
        )
        parser.add_argument("--database-name", default=BENCH_DATABASE)
        parser.add_argument(
            "--large-order",
            type=int,
            default=200,
            help="Lines of the signed order (x 15 questions) whose review page and "
            "record are measured; 0 leaves it out.",
        )
        parser.add_argument(
            "--only", default="", help="Measure only the pages whose name has this."
        )
        parser.add_argument(
            "--seed-only",
            action="store_true",
            help="Make or grow the benchmark database to --orders orders, then stop.",
        )
        parser.add_argument("--inner", action="store_true", help=argparse_suppress())

    def handle(self, *args: object, **options: object) -> None:
        if not options["inner"]:
            self._prepare_and_rerun(options)
            return
        wrk = shutil.which("wrk")
        if not wrk:
            raise CommandError("wrk not found: apt-get install wrk (make bench does).")
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": env.get("DJANGO_SECRET_KEY")
                or "bench-" + "x" * 50,
                # Production settings need a chain key; the bench signs nothing.
                "SIGNING_CHAIN_KEY": env.get("SIGNING_CHAIN_KEY")
                or "bench-only-chain-key-" + "x" * 30,
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DJANGO_SECURE_SSL_REDIRECT": "0",
                "DJANGO_SECURE_COOKIES": "0",
                "DJANGO_LOG_LEVEL": "WARNING",
                "DATABASE_URL": settings.DATABASE_URL,
            }
        )
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            env=env,
            check=True,
            cwd=settings.BASE_DIR,
        )
        gunicorn = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "orderreview.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{PORT}",
                "--access-logfile",
                "-" if options["verbosity"] > 1 else "/dev/null",
            ],
            env=env,
            cwd=settings.BASE_DIR,
        )
        try:
            results = self._drive(wrk, gunicorn.pid, options)
        finally:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=30)
        from orders.models import Order

        results["orders"] = Order.objects.count()
        results["load_average"] = os.getloadavg()
        output = Path(options["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, indent=2) + "\n")
        output.with_suffix(".md").write_text(markdown_table(results))
        self.stdout.write(
            f"Benchmark figures written to {output} and {output.with_suffix('.md')}"
        )

    def _prepare_and_rerun(self, options: dict) -> None:
        name = options["database_name"]
        refusal = app_database_refusal(name)
        if refusal:
            # Seeding it would pad the app's data with made-up orders.
            raise CommandError(refusal)
        url = bench_database_url(settings.DATABASE_URL, name)
        try:
            created = database_create_if_missing(name)
        except DatabaseError as error:
            # e.g. a role without CREATEDB: say so in one line, not a traceback.
            first_line = str(error).strip().splitlines()[0]
            raise CommandError(
                f"Could not create the benchmark database {name}: {first_line}"
            ) from None
        if created:
            self.stdout.write(f"Created the benchmark database {name}.")
        # The same two roles as everywhere: migrate and seed_scale as the owner,
        # gunicorn as the app role.
        env = dict(
            os.environ,
            DATABASE_URL=url,
            DATABASE_OWNER_URL=bench_database_url(settings.DATABASE_OWNER_URL, name),
        )
        manage = [sys.executable, "manage.py"]

        def run(*arguments: str) -> None:
            # A step that fails has said why on its own output: one line more
            # here, never a traceback of ours.
            done = subprocess.run(  # noqa: S603
                [*manage, *arguments], env=env, cwd=settings.BASE_DIR, check=False
            )
            if done.returncode:
                raise CommandError(
                    f"manage.py {arguments[0]} on {name} stopped (exit "
                    f"{done.returncode}); its message is above."
                )

        run("migrate", "--noinput", "-v0")
        self.stdout.write(
            f"Seeding {name} up to {options['orders']} orders when it has fewer "
            "(about 4 to 9 minutes for 100,000 on 2 cores; later runs skip this) ..."
        )
        started = time.monotonic()
        # The benchmark's own database grows to the size asked for, whatever an
        # earlier run left in it (seed_scale otherwise refuses to pad a database
        # holding more than demo data).
        run("seed_scale", "--orders", str(options["orders"]), "--force-more")
        if options["large_order"]:
            # Made once (about a minute); later runs find it.
            run("seed_large_order", "--lines", str(options["large_order"]))
        self.stdout.write(f"Database ready after {time.monotonic() - started:.0f} s.")
        if options["seed_only"]:
            return
        run(
            "bench",
            "--inner",
            "--seconds",
            str(options["seconds"]),
            "--connections",
            str(options["connections"]),
            "--user",
            options["user"],
            "--output",
            options["output"],
            "--only",
            options["only"],
        )

    def _drive(self, wrk: str, master_pid: int, options: dict) -> dict:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{BASE}/healthz/", timeout=2)  # noqa: S310
                break
            # A worker still importing on a loaded machine answers late: wait.
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        cookies = {options["user"]: _login(options["user"])}
        script = str(settings.BASE_DIR / "bench" / "report.lua")
        rows = []
        baseline_rps = None
        columns = ("req/s", "p50 ms", "p95 ms", "p99 ms", "vs base")
        header = f"{'page':<28}" + "".join(f"{c:>9}" for c in columns)
        self.stdout.write(header)
        heavy = {path for _, path in large_order_pages()}
        # The task worker keeps the dashboard's figures current: after a decision its
        # next sweep (within a minute) recomputes them, and pages read the stored
        # figures. The bench starts no worker, so it does that recompute itself and
        # says how long it took, off the request path.
        from audit.dashboard_snapshot import dashboard_refresh

        started = time.monotonic()
        dashboard_refresh()
        sweep_seconds = time.monotonic() - started
        self.stdout.write(
            f"Dashboard figures recomputed (the task worker's work after a decision) "
            f"in {sweep_seconds:.1f} s"
        )
        for name, path, *as_user in bench_pages():
            if options["only"] and options["only"] not in name:
                continue
            username = as_user[0] if as_user else options["user"]
            if username not in cookies:
                cookies[username] = _login(username)
            cookie = cookies[username]
            connections, seconds = options["connections"], options["seconds"]
            if path in heavy:
                # Pages of seconds: one connection per worker, so the latency is
                # the page's own time, and long enough for a few dozen requests.
                connections, seconds = 2, max(seconds, HEAVY_SECONDS)
            completed = subprocess.run(  # noqa: S603
                [
                    wrk,
                    "-t2",
                    f"-c{connections}",
                    f"-d{seconds}s",
                    # A record PDF of 3,000 requirements takes seconds: wrk's
                    # default of 2 s would count it as a timeout, not a latency.
                    "--timeout",
                    "60s",
                    "-s",
                    script,
                    "-H",
                    f"Cookie: {cookie}",
                    f"{BASE}{path}",
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            line = next(
                x for x in completed.stdout.splitlines() if x.startswith("BENCH ")
            )
            figures = json.loads(line[len("BENCH ") :])
            baseline_rps = baseline_rps or figures["rps"] or 1.0
            figures.update(
                page=name,
                path=path,
                user=username,
                ratio=round(figures["rps"] / baseline_rps, 3),
            )
            rows.append(figures)
            numbers = [figures[k] for k in ("rps", "p50_ms", "p95_ms", "p99_ms")]
            self.stdout.write(
                f"{name:<28}"
                + "".join(f"{n:>9.1f}" for n in numbers)
                + f"{figures['ratio']:>9.3f}"
                + (f"  ({figures['non2xx']} non-2xx!)" if figures["non2xx"] else "")
            )
        peaks = _peak_rss_mb(master_pid)
        self.stdout.write(
            "gunicorn worker peak RSS: "
            + ", ".join(f"{mb:.0f} MB" for mb in peaks.values())
        )
        return {
            "pages": rows,
            "worker_peak_rss_mb": list(peaks.values()),
            "dashboard_recompute_seconds": round(sweep_seconds, 1),
        }
