"""Concurrency and faults against real PostgreSQL and a real gunicorn on 127.0.0.1.

gunicorn (3 sync workers, production settings) runs against the test database; the
tests log in over HTTP and race each other through the real pages. Every loop is
bounded in count and time; nothing listens beyond 127.0.0.1.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.models.signals import pre_save
from django.urls import reverse

from orderreview import roles
from orders.models import Order
from requirements import services as req_services
from requirements.models import RequirementSet
from reviews import selectors as review_selectors
from reviews import services as review_services
from reviews.models import Assessment, Decision, Review, Signature
from tests.conftest import _user_with_role
from tests.factories import TEST_PASSWORD
from tests.hardening.conftest import COMPLETE, answer_post, submitted
from tests.signing_form import seen

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(__file__).resolve().parents[2]
WORKERS = 3
DEADLINE_SECONDS = 60
EXPECTED_REQUIREMENTS = 4  # part number, quantity, certificate?, certificate type


# --- the server ---------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url(settings_dict: dict) -> str:
    user = quote(settings_dict["USER"] or "")
    password = quote(settings_dict["PASSWORD"] or "")
    auth = f"{user}:{password}@" if user else ""
    host = settings_dict["HOST"] or ""
    port = settings_dict["PORT"] or ""
    name = quote(settings_dict["NAME"])
    if host.startswith("/"):  # a Unix socket folder (the embedded server)
        options = {"host": host, **({"port": port} if port else {})}
        query = urllib.parse.urlencode(options)
        return f"postgres://{auth}/{name}?{query}"
    return f"postgres://{auth}{host}{':' + port if port else ''}/{name}"


def _server_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="orderreview.settings",
        DATABASE_URL=database_url,
        DATABASE_CONN_MAX_AGE="0",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="concurrency-test-" + "k" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_HSTS_SECONDS="0",
    )
    return env


def _collectstatic(env: dict[str, str]) -> None:
    """Production settings serve hashed static files: collect them when stale."""
    manifest = BASE_DIR / "var" / "staticfiles" / "staticfiles.json"
    newest = max(p.stat().st_mtime for p in (BASE_DIR / "static").rglob("*"))
    if manifest.exists() and manifest.stat().st_mtime > newest:
        return
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        timeout=300,
    )


@dataclass
class Server:
    base: str
    process: subprocess.Popen

    def worker_pids(self) -> list[int]:
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(child) for child in children]

    def wait_until_up(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "gunicorn exited"
            try:
                with urllib.request.urlopen(f"{self.base}/healthz/", timeout=2):  # noqa: S310
                    if len(self.worker_pids()) == WORKERS:
                        return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.2)
        raise AssertionError("gunicorn did not come up")


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    env = _server_env(_database_url(connection.settings_dict))
    _collectstatic(env)
    port = _free_port()
    log = (tmp_path_factory.mktemp("gunicorn") / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "orderreview.wsgi",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    running = Server(base=f"http://127.0.0.1:{port}", process=process)
    try:
        running.wait_until_up()
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()


# --- a browser over HTTP --------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    body: str
    location: str


class Browser:
    """One logged-in person: a cookie jar, the CSRF token, no redirect following."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def _open(self, request: urllib.request.Request) -> Answer:
        try:
            with self.opener.open(request, timeout=30) as response:
                return Answer(response.status, response.read().decode(), "")
        except urllib.error.HTTPError as error:
            return Answer(
                error.code,
                error.read().decode(errors="replace"),
                error.headers.get("Location", ""),
            )

    def get(self, path: str) -> Answer:
        return self._open(urllib.request.Request(self.base + path))  # noqa: S310

    def post(self, path: str, data: dict) -> Answer:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        body = urllib.parse.urlencode(
            {**data, "csrfmiddlewaretoken": token}, doseq=True
        ).encode()
        return self._open(urllib.request.Request(self.base + path, data=body))  # noqa: S310

    def log_in(self, username: str) -> "Browser":
        self.get("/accounts/login/")
        answer = self.post(
            "/accounts/login/", {"username": username, "password": TEST_PASSWORD}
        )
        assert answer.status == 302, f"login as {username}: {answer.status}"
        return self


def http_user(username: str, *role_names: str, disciplines: tuple = ()):
    """A user whose password the production settings' hashers can check."""
    user = _user_with_role(username, *role_names, disciplines=disciplines)
    user.password = PBKDF2PasswordHasher().encode(TEST_PASSWORD, "salt1234", 1000)
    user.save()
    return user


def in_parallel(jobs: list[Callable[[], object]], seconds: float = DEADLINE_SECONDS):
    """Run jobs at once (a barrier lines them up); results or exceptions, in order."""
    results: list[object] = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def run(index: int, job: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=seconds)
            results[index] = job()
        except Exception as error:  # the outcome is what the test asserts on
            results[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(i, job), daemon=True)
        for i, job in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + seconds
    for thread in threads:
        thread.join(timeout=max(deadline - time.monotonic(), 0.1))
    assert not any(thread.is_alive() for thread in threads), "a job hung"
    return results


def enter_and_submit(browser: Browser, customer_pk: int, form_pk: int) -> str:
    """The customer service path through the pages: new draft, answer, submit."""
    header = {
        "customer": customer_pk,
        "channel": "phone",
        "customer_reference": "PO-RACE",
        "documented_statement": "yes",
    }
    created = browser.post(reverse("orders:order_new"), {**header, "form": form_pk})
    assert created.status == 302, created.status
    number = created.location.rstrip("/").split("/")[-2]
    sent = browser.post(
        reverse("orders:order_edit", args=[number]),
        {**header, **answer_post(COMPLETE), "submit": ""},
    )
    assert sent.status == 302, (sent.status, number)
    return number


def assert_orders_whole() -> None:
    """Every order is wholly there: revision 1; submitted ones fully reviewed."""
    for order in Order.objects.prefetch_related("revisions"):
        revisions = {r.number: r for r in order.revisions.all()}
        assert 1 in revisions, f"{order.number} has no revision 1"
        first = revisions[1]
        if order.status == Order.Status.DRAFT:
            assert first.state == RequirementSet.State.DRAFT, order.number
            assert not Review.objects.filter(order=order).exists(), order.number
            continue
        assert first.state != RequirementSet.State.DRAFT, order.number
        assert first.requirements.count() == EXPECTED_REQUIREMENTS, order.number
        review = Review.objects.get(requirement_set=first)
        assert Assessment.objects.filter(review=review).count() >= (
            EXPECTED_REQUIREMENTS
        ), order.number
    assert review_selectors.chain_report().ok


# --- the races ------------------------------------------------------------------------


@pytest.fixture
def staff(engineering, production, quality, commercial, settings):
    # The services in this process check the same PBKDF2 passwords gunicorn does.
    settings.PASSWORD_HASHERS = [
        *settings.PASSWORD_HASHERS,
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    return {
        "service": http_user("service", roles.CUSTOMER_SERVICE),
        "engineer": http_user("engineer", roles.REVIEWER, disciplines=(engineering,)),
        "engineer2": http_user("engineer2", roles.REVIEWER, disciplines=(engineering,)),
        "approver": http_user(
            "approver", roles.REVIEWER, roles.APPROVER, disciplines=(commercial,)
        ),
        "approver2": http_user(
            "approver2", roles.REVIEWER, roles.APPROVER, disciplines=(commercial,)
        ),
        "planner": http_user("planner", roles.REVIEWER, disciplines=(production,)),
        "inspector": http_user("inspector", roles.REVIEWER, disciplines=(quality,)),
    }


def test_parallel_order_entry_gives_unique_numbers_and_whole_orders(
    server, staff, intake_version, customer
):
    threads, each = 4, 3
    browsers = [Browser(server.base).log_in("service") for _ in range(threads)]

    def enter(browser: Browser) -> list[str]:
        return [
            enter_and_submit(browser, customer.pk, intake_version.form.pk)
            for _ in range(each)
        ]

    results = in_parallel([lambda b=b: enter(b) for b in browsers])
    numbers = [number for batch in results for number in batch]
    assert len(numbers) == threads * each, results
    assert len(set(numbers)) == len(numbers)
    assert Order.objects.filter(status=Order.Status.AWAITING_REVIEW).count() == len(
        numbers
    )
    assert_orders_whole()


def test_parallel_assessment_of_one_slot_has_exactly_one_winner(
    server, staff, intake_version, customer
):
    order = submitted(intake_version, customer, staff["service"])
    review = Review.objects.get(order=order)
    slot = review.assessments.get(requirement__key="part_number")
    url = reverse("reviews:assessment_save", args=[review.pk, slot.pk])
    people = [Browser(server.base).log_in(n) for n in ("engineer", "engineer2")]
    verdicts = ["can_meet", "cannot_meet"]

    def assess(browser: Browser, verdict: str) -> Answer:
        prefix = f"a{slot.pk}"
        return browser.post(
            url,
            {
                f"{prefix}-verdict": verdict,
                f"{prefix}-note": f"{verdict} says {verdict}",
                f"{prefix}-version": slot.version,
            },
        )

    answers = in_parallel(
        [lambda b=b, v=v: assess(b, v) for b, v in zip(people, verdicts, strict=True)]
    )
    statuses = sorted(answer.status for answer in answers)
    assert statuses == [200, 302], statuses
    loser = next(answer for answer in answers if answer.status == 200)
    assert "while you were editing it" in loser.body
    slot.refresh_from_db()
    winner = verdicts[[a.status for a in answers].index(302)]
    assert slot.verdict == winner
    assert slot.version == 1


def test_parallel_signing_gives_one_decision_per_review_and_a_linear_chain(
    server, staff, intake_version, customer
):
    reviews = []
    for _ in range(3):
        order = submitted(intake_version, customer, staff["service"])
        reviews.append(Review.objects.get(order=order))
    # Every slot assessed by a reviewer of its discipline, through the service.
    for review in reviews:
        for slot in review.assessments.select_related("discipline"):
            assessor = _assessor_for(slot, staff)
            review_services.assessment_record(
                assessment=slot,
                user=assessor,
                verdict="can_meet",
                note="",
                version=slot.version,
            )
    signers = [Browser(server.base).log_in(n) for n in ("approver", "approver2")]
    for review in reviews:
        url = reverse("reviews:decision_sign", args=[review.pk])
        data = {
            "outcome": "accept",
            "reasons": "",
            "password": TEST_PASSWORD,
            **seen(review),
        }
        answers = in_parallel(
            [lambda b=b, u=url, d=data: b.post(u, d) for b in signers]
        )
        statuses = sorted(answer.status for answer in answers)
        assert statuses == [200, 302], statuses
        loser = next(answer for answer in answers if answer.status == 200)
        assert "already been decided" in loser.body
    assert Decision.objects.count() == len(reviews)
    assert Signature.objects.count() == len(reviews)
    previous = [s.previous_hash for s in Signature.objects.order_by("pk")]
    assert len(set(previous)) == len(previous)  # no fork: each link used once
    assert review_selectors.chain_report().ok


def _assessor_for(slot: Assessment, staff: dict):
    for user in staff.values():
        if slot.discipline.members.filter(pk=user.pk).exists():
            return user
    raise AssertionError(f"nobody assesses {slot.discipline}")


def test_a_killed_worker_leaves_every_order_whole_or_absent(
    server, staff, intake_version, customer
):
    threads, attempts_each = 4, 4
    browsers = [Browser(server.base).log_in("service") for _ in range(threads)]
    done = threading.Semaphore(0)
    failures: list[BaseException] = []

    def enter(browser: Browser) -> int:
        finished = 0
        for _ in range(attempts_each):
            try:
                enter_and_submit(browser, customer.pk, intake_version.form.pk)
                finished += 1
            except (OSError, http.client.HTTPException, AssertionError) as error:
                failures.append(error)  # the killed worker's request, as expected
            done.release()
        return finished

    def kill_one_worker() -> int:
        # Strike while the others are mid-request: after the second finished order.
        for _ in range(2):
            assert done.acquire(timeout=DEADLINE_SECONDS)
        victim = server.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        return victim

    results = in_parallel([kill_one_worker, *[lambda b=b: enter(b) for b in browsers]])
    victim = results[0]
    assert isinstance(victim, int), results
    server.wait_until_up()
    assert victim not in server.worker_pids()
    assert sum(r for r in results[1:] if isinstance(r, int)) >= 2
    assert Order.objects.count() >= 2
    assert_orders_whole()


# --- a change order racing a decision, at the service level ---------------------------


class HoldDecision:
    """Keep the signer inside its transaction (review row locked) when it writes the
    decision, long enough for the change order's submit to run into the same rows."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.inside = threading.Event()

    def __call__(self, sender, instance, **kwargs) -> None:
        self.inside.set()
        time.sleep(self.seconds)

    def __enter__(self) -> "HoldDecision":
        pre_save.connect(self, sender=Decision, weak=False)
        return self

    def __exit__(self, *exc: object) -> None:
        pre_save.disconnect(self, sender=Decision)


@pytest.mark.parametrize("first", ["decision", "change"])
def test_a_change_order_racing_a_decision_loses_nothing(
    staff, intake_version, customer, first
):
    order = submitted(intake_version, customer, staff["service"])
    review = Review.objects.get(order=order)
    for slot in review.assessments.select_related("discipline"):
        review_services.assessment_record(
            assessment=slot,
            user=_assessor_for(slot, staff),
            verdict="can_meet",
            note="",
            version=slot.version,
        )
    change = req_services.revision_create(
        order=order,
        user=staff["service"],
        answers={**COMPLETE, "quantity": 500},
        reason="Customer doubled the quantity",
    )
    hold = HoldDecision(1.5 if first == "decision" else 0)

    def sign() -> Decision:
        return review_services.decision_sign(
            review=review,
            signer=staff["approver"],
            outcome="accept",
            reasons="",
            password=TEST_PASSWORD,
        )

    def submit_change() -> RequirementSet:
        if first == "decision":
            assert hold.inside.wait(timeout=10)
        return req_services.revision_submit(revision=change, user=staff["service"])

    def sign_after_change() -> Decision:
        # The change goes first: wait until its review has superseded ours.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if Review.objects.filter(requirement_set=change).exists():
                break
            time.sleep(0.05)
        return sign()

    with hold:
        jobs = (
            [sign, submit_change]
            if first == "decision"
            else [
                sign_after_change,
                submit_change,
            ]
        )
        signed, submitted_change = in_parallel(jobs, seconds=30)

    assert isinstance(submitted_change, RequirementSet), submitted_change
    order.refresh_from_db()
    review.refresh_from_db()
    change_review = Review.objects.get(requirement_set=change)
    assert change_review.state == Review.State.OPEN
    # Accepted first: the order stays accepted while its change is reviewed.
    # Changed first: nothing was ever agreed, the change is simply in review.
    assert (order.status, order.change_in_review) == (
        (Order.Status.ACCEPTED, True)
        if first == "decision"
        else (Order.Status.AWAITING_REVIEW, False)
    )
    assert Review.objects.filter(order=order, state=Review.State.OPEN).count() == 1
    if first == "decision":
        assert isinstance(signed, Decision), signed
        assert review.state == Review.State.DECIDED
        assert Decision.objects.filter(review=review).count() == 1
    else:
        assert isinstance(signed, ValidationError), signed
        assert "superseded" in " ".join(signed.messages)
        assert review.state == Review.State.SUPERSEDED
        assert not Decision.objects.exists()
    assert review_selectors.chain_report().ok


def test_a_verdict_changed_while_an_approver_signs_waits_and_is_refused(
    staff, intake_version, customer
):
    order = submitted(intake_version, customer, staff["service"])
    review = Review.objects.get(order=order)
    for slot in review.assessments.select_related("discipline"):
        review_services.assessment_record(
            assessment=slot,
            user=_assessor_for(slot, staff),
            verdict="can_meet",
            note="",
            version=slot.version,
        )
    slot = review.assessments.get(requirement__key="part_number")
    hold = HoldDecision(1.5)

    def sign() -> Decision:
        return review_services.decision_sign(
            review=review,
            signer=staff["approver"],
            outcome="accept",
            reasons="",
            password=TEST_PASSWORD,
        )

    def change_verdict() -> Assessment:
        assert hold.inside.wait(timeout=10)
        return review_services.assessment_record(
            assessment=slot,
            user=staff["engineer"],
            verdict="cannot_meet",
            note="The tolerance is beyond our machines",
            version=slot.version,
        )

    with hold:
        signed, changed = in_parallel([sign, change_verdict], seconds=30)

    assert isinstance(signed, Decision), signed
    assert isinstance(changed, ValidationError), changed
    assert "closed" in " ".join(changed.messages)
    slot.refresh_from_db()
    assert slot.verdict == "can_meet"
    signature = Signature.objects.get()
    verdicts = {a["verdict"] for a in signature.content["assessments"]}
    assert verdicts == {"can_meet"}
    assert review_selectors.chain_report().ok
