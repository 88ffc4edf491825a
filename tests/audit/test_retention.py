"""Retention of records (issue 21, 7.5.3.2): each record type's period is shown to
auditors with the records past it; nothing is disposed of."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.retention import retention_report
from communications import services as comm_services
from tests import factories
from tests.audit import builders

pytestmark = pytest.mark.django_db

URL = reverse("audit:retention")


def decided_order(by, *, years_ago: float):
    order, revision, _ = builders.submitted_order(by=by)
    review = builders.open_review(revision, by=by)
    at = timezone.now() - dt.timedelta(days=365 * years_ago)
    builders.decide(review, outcome="accept", by=by, at=at)
    return order


def communication(user, *, kind="enquiry", years_ago=0.0, subject="Question"):
    return comm_services.communication_record(
        customer=factories.CustomerFactory(),
        direction="in",
        channel="email",
        kind=kind,
        subject=subject,
        occurred_at=timezone.now() - dt.timedelta(days=365 * years_ago),
        recorded_by=user,
    )


def test_each_record_type_lists_what_is_past_its_period(settings, approver):
    settings.RETENTION_YEARS = {"orders": 10, "communications": 6, "complaints": 10}
    old = decided_order(approver, years_ago=11)
    recent = decided_order(approver, years_ago=2)
    communication(approver, years_ago=7, subject="Old enquiry")
    communication(approver, years_ago=1, subject="New enquiry")
    # A complaint counts from its closing, and an open one is never past.
    communication(approver, kind="complaint", years_ago=20, subject="Still open")

    groups = {group.key: group for group in retention_report()}

    assert [o.number for o in groups["orders"].rows] == [old.number]
    assert recent.number not in [o.number for o in groups["orders"].rows]
    assert [c.subject for c in groups["communications"].rows] == ["Old enquiry"]
    assert groups["complaints"].count == 0
    later = retention_report(now=timezone.now() + dt.timedelta(days=365 * 9))
    assert {o.number for o in later[0].rows} == {old.number, recent.number}


def test_a_closed_complaint_is_past_retention_years_after_its_closing(
    settings, service_user
):
    settings.RETENTION_YEARS = {"orders": 10, "communications": 6, "complaints": 10}
    complaint = communication(service_user, kind="complaint", subject="Scratches")
    comm_services.communication_follow_up(
        communication=complaint,
        state="closed",
        resolution="Replaced",
        user=service_user,
    )

    now = retention_report()
    later = retention_report(now=timezone.now() + dt.timedelta(days=365 * 10 + 3))

    assert now[2].count == 0
    assert [c.subject for c in later[2].rows] == ["Scratches"]


def test_auditors_see_the_periods_and_hostile_subjects_as_text(
    client, settings, auditor
):
    settings.RETENTION_YEARS = {"orders": 10, "communications": 1, "complaints": 10}
    communication(auditor, years_ago=2, subject="<script>alert(1)</script>")
    client.force_login(auditor)

    html = client.get(URL).content.decode()

    assert "Kept for" in html and "6 year" not in html
    assert "Communications (other than feedback and complaints): 1 past retention" in (
        html
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html


@pytest.mark.parametrize("rows", [1, 12])
def test_the_report_keeps_its_query_count(
    client, settings, auditor, rows, django_assert_num_queries
):
    settings.RETENTION_YEARS = {"orders": 1, "communications": 1, "complaints": 1}
    for _ in range(rows):
        decided_order(auditor, years_ago=3)
        communication(auditor, years_ago=3)
    client.force_login(auditor)
    client.get(URL)

    # session; user; roles; a count and a page for each of the three types; the
    # disposals of the rows shown.
    with django_assert_num_queries(10):
        client.get(URL)
