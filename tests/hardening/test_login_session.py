"""Login and session: lockout (signing included), expiry, logout, CSRF on every
state-changing URL, security headers, a strict CSP on every page, check --deploy."""

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reviews.models import Decision
from tests.factories import TEST_PASSWORD
from tests.hardening.conftest import database_url, history_rows
from tests.signing_form import seen
from tests.urlwalk import API_ROUTE_PREFIX, endpoints

BASE_DIR = Path(__file__).resolve().parents[2]
CSRF_MARK = "csrf-refused-by-middleware"


def csrf_refused(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Test CSRF_FAILURE_VIEW: marks a refusal as the CSRF middleware's own."""
    return HttpResponse(CSRF_MARK, status=403)


def _login(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def _sign(client: Client, review, password: str):
    return client.post(
        reverse("reviews:decision_sign", args=[review.pk]),
        {
            "outcome": "reject",
            "reasons": "Cannot source it",
            "password": password,
            **seen(review),
        },
    )


# --- lockout ------------------------------------------------------------------------


def test_wrong_signing_passwords_lock_the_account_out_of_login_too(
    client, world, approver, settings
):
    client.force_login(approver)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _sign(client, world.review_a, "wrong")
        assert "That password is not correct" in response.content.decode()
    # The last allowed failure comes from the login page: both count together.
    other = Client()
    _login(other, "approver", "wrong")
    locked = _login(other, "approver", TEST_PASSWORD)
    assert locked.status_code == 429
    assert b"Too many wrong passwords" in locked.content
    # Signing with the right password is refused as well while locked out.
    refused = _sign(client, world.review_a, TEST_PASSWORD)
    assert refused.status_code == 429
    assert not Decision.objects.filter(review=world.review_a).exists()


def test_wrong_signing_passwords_alone_reach_the_lockout(
    client, world, approver, settings
):
    client.force_login(approver)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign(client, world.review_a, "wrong")
    assert _login(Client(), "approver", TEST_PASSWORD).status_code == 429


def test_lockout_ends_after_the_cool_off(client, service_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "service", "wrong")
    assert _login(client, "service", TEST_PASSWORD).status_code == 429
    later = timezone.now() + dt.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    with time_machine.travel(later):
        assert _login(client, "service", TEST_PASSWORD).status_code == 302


# --- sessions -----------------------------------------------------------------------


def test_a_session_expires_after_its_age(client, service_user, settings):
    assert _login(client, "service", TEST_PASSWORD).status_code == 302
    assert client.get(reverse("orders:order_list")).status_code == 200
    later = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    with time_machine.travel(later):
        response = client.get(reverse("orders:order_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_session_cookie_is_http_only_and_ends_with_the_browser(
    client, service_user, settings
):
    response = _login(client, "service", TEST_PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["expires"] == ""  # a browser-session cookie
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 60 * 60


def test_logout_ends_the_session_on_the_server(client, service_user):
    _login(client, "service", TEST_PASSWORD)
    session_key = client.session.session_key
    assert Session.objects.filter(session_key=session_key).exists()
    assert client.post(reverse("logout")).status_code == 302
    assert not Session.objects.filter(session_key=session_key).exists()
    # Replaying the old cookie (say, copied before logout) opens nothing.
    replay = Client()
    replay.cookies["sessionid"] = session_key
    response = replay.get(reverse("orders:order_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logout_is_post_only(client, service_user):
    client.force_login(service_user)
    assert client.get(reverse("logout")).status_code == 405


# --- CSRF ---------------------------------------------------------------------------


def refusal_seen(route: str, response: HttpResponse, logged_in: bool) -> bool:
    body = response.content.decode(errors="replace")
    if CSRF_MARK in body:
        return True
    if not route.startswith(API_ROUTE_PREFIX):
        return False
    # The API's session users are refused by DRF's own CSRF check, before anything
    # else; a request without credentials has nothing to forge (401). The schema
    # and docs take no credentials and only read (405).
    if response.status_code == 405 or (response.status_code == 401 and not logged_in):
        return True
    return logged_in and response.status_code == 403 and "CSRF Failed" in body


def csrf_problems(client: Client, params: dict) -> list[str]:
    problems = []
    logged_in = "_auth_user_id" in client.session
    for endpoint in endpoints(per_name=params, exclude_names=set()):
        # Any other URL under /api/v1/: a 404 problem for every method, which
        # changes nothing (tests/api/test_problems.py).
        if endpoint.name == "api:unknown":
            continue
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(endpoint.url, data={})
            if not refusal_seen(endpoint.route, response, logged_in):
                problems.append(
                    f"{method.upper()} {endpoint.url} ({endpoint.name}): "
                    f"{response.status_code} without a CSRF refusal"
                )
    return problems


@pytest.fixture
def csrf_client(settings) -> Client:
    settings.CSRF_FAILURE_VIEW = "tests.hardening.test_login_session.csrf_refused"
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("who", ["everyone", "anonymous"])
def test_every_state_changing_url_refuses_a_post_without_csrf_token(
    world, everyone, csrf_client, who
):
    if who == "everyone":
        csrf_client.force_login(everyone)
    before = history_rows()
    assert csrf_problems(csrf_client, world.params) == []
    assert history_rows() == before
    names = {e.name for e in endpoints(per_name=world.params, exclude_names=set())}
    assert {"login", "logout", "orders:portal", "orders:catalog_request"} <= names


@pytest.mark.urls("tests.hardening.urls_with_extra")
def test_the_csrf_walk_notices_an_exempt_view(world, csrf_client):
    problems = csrf_problems(csrf_client, world.params)
    assert problems
    assert all("unlisted_page" in problem for problem in problems)


# --- headers and the Content Security Policy ----------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>")
INLINE_STYLE = re.compile(r"<style\b|\sstyle=")
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+=", re.IGNORECASE)


def test_every_page_carries_a_strict_csp_and_no_inline_code(world, everyone):
    client = Client()
    client.force_login(everyone)
    problems = []
    checked = 0
    for endpoint in endpoints(per_name=world.params):
        response = client.get(endpoint.url)
        if response.status_code != 200:
            continue
        checked += 1
        policy = response.get("Content-Security-Policy", "")
        html_page = response["Content-Type"].startswith("text/html")
        # Downloads carry a stricter policy of their own (default-src 'none').
        strict = "script-src 'self'" in policy if html_page else "'none'" in policy
        if not strict or "unsafe-inline" in policy:
            problems.append(f"{endpoint.url}: policy {policy!r}")
        if not html_page:
            continue
        html = response.content.decode()
        for name, pattern in (
            ("inline script", INLINE_SCRIPT),
            ("inline style", INLINE_STYLE),
            ("event handler attribute", INLINE_HANDLER),
        ):
            found = pattern.search(html)
            if found:
                problems.append(f"{endpoint.url}: {name} {found.group(0)[:80]!r}")
    assert problems == []
    assert checked > 40


def test_security_headers_on_a_secure_request(client, service_user, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    client.force_login(service_user)
    response = client.get(reverse("orders:order_list"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def _check_deploy(**database: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="orderreview.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 20 + "-production-like-" + "k3y" * 10,
        DJANGO_ALLOWED_HOSTS="orders.example.com",
        **database,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings(app_role):
    # Production: the app connects as the app role, migrations as the owner.
    # (This test used to pass the suite's own DATABASE_URL, a superuser on CI,
    # which check --deploy now rightly reports.)
    owner = connection.settings_dict
    result = _check_deploy(
        DATABASE_URL=app_role.url,
        DATABASE_OWNER_URL=database_url(owner["USER"], owner["PASSWORD"] or ""),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_when_the_app_connects_as_the_tables_owner(db):
    owner = connection.settings_dict
    result = _check_deploy(
        DATABASE_URL=database_url(owner["USER"], owner["PASSWORD"] or "")
    )
    assert result.returncode != 0
    assert "orderreview.E10" in result.stderr + result.stdout
    assert "docs/security-database-roles.md" in result.stderr + result.stdout
