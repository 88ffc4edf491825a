"""Shared fixtures: one named user per role, and the browser set-up."""

import os
import shutil

import pytest
from django.contrib.auth.models import Group
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from orderreview import roles
from tests import factories

# Property tests check what is true, not how fast examples come: on a loaded
# machine (CI's two suites, other work) generating them can pass Hypothesis's
# time limits without anything being wrong. Speed is measured by `make bench`.
hypothesis_settings.register_profile(
    "orderreview", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("orderreview")

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from
# the test itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def chain_heads_log(settings, tmp_path):
    """Each test's chain heads go to its own log: the database is emptied between
    tests, so heads logged by an earlier test would name signatures long gone."""
    settings.SIGNING_CHAIN_HEADS_LOG = tmp_path / "chain-heads.log"
    return settings.SIGNING_CHAIN_HEADS_LOG


def _user_with_role(username: str, *role_names: str, disciplines: tuple = ()):
    roles.sync_roles()
    user = factories.UserFactory(username=username)
    user.groups.add(*Group.objects.filter(name__in=role_names))
    for discipline in disciplines:
        discipline.members.add(user)
    return user


@pytest.fixture
def second_form_admin(db):
    """Another form admin: the four eyes on what the first one wrote."""
    return _user_with_role("formadmin2", roles.FORM_ADMIN)


@pytest.fixture
def service_user(db):
    return _user_with_role("service", roles.CUSTOMER_SERVICE)


@pytest.fixture
def reviewer(db, engineering):
    return _user_with_role("engineer", roles.REVIEWER, disciplines=(engineering,))


@pytest.fixture
def approver(db, commercial):
    return _user_with_role(
        "approver", roles.REVIEWER, roles.APPROVER, disciplines=(commercial,)
    )


@pytest.fixture
def auditor(db):
    return _user_with_role("auditor", roles.AUDITOR)


@pytest.fixture
def form_admin(db):
    return _user_with_role("formadmin", roles.FORM_ADMIN)


@pytest.fixture
def no_role_user(db):
    return factories.UserFactory(username="nobody")


@pytest.fixture
def engineering(db):
    return factories.discipline("engineering")


@pytest.fixture
def production(db):
    return factories.discipline("production")


@pytest.fixture
def quality(db):
    return factories.discipline("quality")


@pytest.fixture
def commercial(db):
    return factories.discipline("commercial")


# --- browser ---------------------------------------------------------------


def _django_order(item: pytest.Item) -> int:
    """pytest-django's order: database tests, then transactional ones, then the rest."""
    marker = item.get_closest_marker("django_db")
    fixtures = item.fixturenames
    transactional = bool(
        marker and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    ) or ("transactional_db" in fixtures or "live_server" in fixtures)
    if transactional:
        return 1
    return 0 if marker or "db" in fixtures else 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Django's test order again, after every plugin has had its say, then browser
    tests need Chromium: skipped with a reason locally, a failure in CI.

    pytest-playwright groups its browser-parametrised tests, which put transactional
    tests (their flush empties the disciplines a migration seeded) in front of
    ordinary database tests that read those rows."""
    items.sort(key=_django_order)
    if CHROMIUM:
        return
    if os.environ.get("CI", "").lower() == "true":
        raise pytest.UsageError(
            "CI=true but no Chromium was found: install the Debian packages "
            "chromium and chromium-driver (.ci/run does)."
        )
    skip = pytest.mark.skip(
        reason="no Chromium on this machine (apt-get install chromium)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_FLAGS,
    }
