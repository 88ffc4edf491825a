"""Auditors read everything and change nothing (21 CFR 11.10(d), ISO 9001 7.5.3).

Every URL in the resolver -- including those other apps add -- gets POST, PUT, PATCH
and DELETE from an auditor. Accepted answers:
- 403 (refused) or 405 (the view only reads);
- 404 only for routes listed in DOCUMENTED_404, each with its reason;
- for public pages (an anonymous visitor's POST is not sent to login, e.g. the
  customer portal and catalog), the auditor is just another visitor: any answer
  below 500 is accepted, as long as nothing was written.
In every case no history row may appear: every change to a tracked model writes one.
"""

import pytest
from django.db import connection
from django.test import Client

from audit.registry import history_model, tracked_models
from tests.audit import builders
from tests.urlwalk import EXCLUDED_NAMES, OWN_ACCOUNT_NAMES, endpoints

METHODS = ("post", "put", "patch", "delete")
# route name -> why a 404 is the right answer for an auditor's write there.
DOCUMENTED_404: dict[str, str] = {}


def _history_rows() -> int:
    """All history rows of all tracked models, in one query."""
    tables = [history_model(model)._meta.db_table for model in tracked_models()]
    counts = " + ".join(f'(SELECT count(*) FROM "{table}")' for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return cursor.fetchone()[0]


def _is_public(url: str, method: str) -> bool:
    response = getattr(Client(), method)(url)
    return not (response.status_code == 302 and "/accounts/login/" in response.url)


def auditor_violations(client: Client, samples: dict[str, str]) -> list[str]:
    problems = []
    for endpoint in endpoints(
        samples, exclude_names=EXCLUDED_NAMES | OWN_ACCOUNT_NAMES
    ):
        for method in METHODS:
            before = _history_rows()
            public = _is_public(endpoint.url, method)
            response = getattr(client, method)(endpoint.url, data={})
            status = response.status_code
            label = f"{method.upper()} {endpoint.url} ({endpoint.name})"
            refused = status in (403, 405)
            documented = status == 404 and endpoint.name in DOCUMENTED_404
            if _history_rows() != before:
                problems.append(f"{label}: wrote history rows (status {status})")
            elif not (refused or documented or (public and status < 500)):
                problems.append(f"{label}: answered {status}, expected 403 or 405")
    return problems


@pytest.fixture
def samples(db, service_user, approver):
    """Real objects for path parameters, so views find what they look up."""
    order, revision, _ = builders.submitted_order(by=service_user)
    builders.open_review(revision, by=approver)
    return {"number": order.number, "int": str(order.pk)}


def test_auditor_cannot_change_anything_through_any_url(client, auditor, samples):
    client.force_login(auditor)
    assert auditor_violations(client, samples) == []


def test_the_walk_covers_the_audit_urls(samples):
    names = {endpoint.name for endpoint in endpoints(samples)}
    assert {"home", "audit:timeline", "audit:order_as_of"} <= names
    assert not any(name.startswith("admin:") for name in names)
    assert "login" not in names


@pytest.mark.urls("tests.audit.urls_with_hole")
def test_the_walk_catches_a_view_that_lets_auditors_write(client, auditor, samples):
    client.force_login(auditor)
    problems = auditor_violations(client, samples)
    assert problems
    assert all("customer_create" in problem for problem in problems)
    assert any("wrote history rows" in problem for problem in problems)
