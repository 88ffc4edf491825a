"""Disposal pages: asked for from the retention report, approved on a page that
says what goes and what stays, carried out after a last confirmation, shown on
the record's page and the report."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from audit.models import Disposal
from communications import services as comm_services
from tests import factories

pytestmark = pytest.mark.django_db

RETENTION = reverse("audit:retention")
HOSTILE = "<script>alert(1)</script> {{ request.user.password }}"


def _request_url(record, record_type="orders") -> str:
    return reverse("audit:disposal_request", args=[record_type, record.pk])


def _ask(client, user, record, record_type="orders", reason="Period over.") -> Disposal:
    client.force_login(user)
    response = client.post(_request_url(record, record_type), {"reason": reason})
    assert response.status_code == 302, response.content.decode()[:500]
    return Disposal.objects.order_by("-pk").first()


def _approve(client, user, disposal):
    client.force_login(user)
    url = reverse("audit:disposal_decide", args=[disposal.pk])
    return client.post(url, {"decision": "approve"})


def test_the_request_page_says_what_goes_and_what_stays_and_needs_a_reason(
    client, retention_over, signed_order, keeper
):
    client.force_login(keeper)
    page = client.get(_request_url(signed_order)).content.decode()
    assert "Will be removed" in page and "Will be kept" in page
    assert "the order&#x27;s contact details and contact e-mail" in page
    assert f"uploads/{signed_order.number}/drawing/" in page

    response = client.post(_request_url(signed_order), {"reason": ""})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Disposal.objects.exists()


def test_a_record_within_its_period_is_refused_with_the_form_kept(
    client, settings, signed_order, keeper
):
    settings.RETENTION_YEARS = {"orders": 10, "communications": 6, "complaints": 10}
    client.force_login(keeper)

    response = client.post(_request_url(signed_order), {"reason": "Tidy up"})

    text = response.content.decode()
    assert response.status_code == 200
    assert "not past its retention period" in text
    assert "Tidy up" in text
    assert not Disposal.objects.exists()


def test_an_unknown_record_type_or_record_is_not_found(client, keeper):
    client.force_login(keeper)
    assert client.get("/audit/retention/people/1/dispose/").status_code == 404
    assert client.get("/audit/retention/orders/999999/dispose/").status_code == 404
    assert client.get("/audit/disposals/999999/").status_code == 404


def test_the_requester_sees_no_approve_button_and_another_controller_approves(
    client, retention_over, signed_order, keeper, second_keeper
):
    disposal = _ask(client, keeper, signed_order)
    detail = reverse("audit:disposal_detail", args=[disposal.pk])
    own = client.get(detail).content.decode()
    assert "You asked for this disposal" in own
    assert "Approve this disposal" not in own
    assert _approve(client, keeper, disposal).status_code == 200
    disposal.refresh_from_db()
    assert disposal.state == "requested"

    client.force_login(second_keeper)
    page = client.get(detail).content.decode()
    assert "Approve this disposal" in page and "Will be removed" in page
    assert _approve(client, second_keeper, disposal).status_code == 302

    disposal.refresh_from_db()
    assert disposal.state == "approved" and disposal.decided_by == second_keeper


def test_refusing_needs_a_reason_next_to_the_field(
    client, retention_over, signed_order, keeper, second_keeper
):
    disposal = _ask(client, keeper, signed_order)
    client.force_login(second_keeper)
    url = reverse("audit:disposal_decide", args=[disposal.pk])

    response = client.post(url, {"decision": "refuse", "refusal_reason": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    client.post(url, {"decision": "refuse", "refusal_reason": HOSTILE})

    disposal.refresh_from_db()
    assert disposal.state == "refused"
    page = client.get(reverse("audit:disposal_detail", args=[disposal.pk]))
    assert "&lt;script&gt;" in page.content.decode()
    assert "<script>alert" not in page.content.decode()


def test_nothing_is_removed_until_the_confirmation_is_posted(
    client,
    retention_over,
    signed_order,
    keeper,
    second_keeper,
    django_capture_on_commit_callbacks,
):
    disposal = _ask(client, keeper, signed_order, reason=HOSTILE)
    _approve(client, second_keeper, disposal)
    path = signed_order.revisions.get().requirements.get(key="drawing").value["path"]
    url = reverse("audit:disposal_execute", args=[disposal.pk])

    confirmation = client.get(url)
    assert confirmation.status_code == 200
    assert "Dispose of it now" in confirmation.content.decode()
    assert "This cannot be undone" in confirmation.content.decode()
    assert default_storage.exists(path)
    assert client.put(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302

    assert not default_storage.exists(path)
    disposal.refresh_from_db()
    assert disposal.state == "disposed"
    again = client.post(url)
    assert again.status_code == 200
    assert "Only an approved disposal" in again.content.decode()


def test_the_order_page_says_when_and_under_which_rule_it_was_disposed_of(
    client,
    retention_over,
    signed_order,
    keeper,
    second_keeper,
    auditor,
    django_capture_on_commit_callbacks,
):
    disposal = _ask(client, keeper, signed_order)
    _approve(client, second_keeper, disposal)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("audit:disposal_execute", args=[disposal.pk]))
    client.force_login(auditor)

    page = client.get(signed_order.get_absolute_url()).content.decode()

    today = timezone.localdate().isoformat()
    assert f"on {today} under retention rule “Orders: kept 0 years" in page
    assert f"approved by {second_keeper.printed_name}" in page
    detail = client.get(reverse("audit:disposal_detail", args=[disposal.pk]))
    assert "removed from storage" in detail.content.decode()
    timeline = client.get(reverse("audit:timeline")).content.decode()
    assert "Disposal carried out" in timeline
    verification = client.get(reverse("reviews:signatures_verify")).content.decode()
    assert 'data-content-verification="ok"' in verification
    assert f"{signed_order.number}: disposed on {today}" in verification


def test_the_communication_page_shows_the_disposal_instead_of_the_text(
    client,
    retention_over,
    old_complaint,
    keeper,
    second_keeper,
    django_capture_on_commit_callbacks,
):
    disposal = _ask(client, keeper, old_complaint, "complaints")
    _approve(client, second_keeper, disposal)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("audit:disposal_execute", args=[disposal.pk]))
    client.force_login(factories.UserFactory(is_superuser=True))

    page = client.get(old_complaint.get_absolute_url()).content.decode()

    assert f"disposal #{disposal.pk}, approved by" in page
    assert "+44 20 7946 0000" not in page


def test_the_report_shows_each_records_disposal_state_and_links(
    client, retention_over, signed_order, old_complaint, keeper, auditor
):
    disposal = _ask(client, keeper, signed_order)
    page = client.get(RETENTION).content.decode()
    assert 'data-disposal-state="requested"' in page
    assert reverse("audit:disposal_detail", args=[disposal.pk]) in page
    assert _request_url(old_complaint, "complaints") in page

    client.force_login(auditor)
    read_only = client.get(RETENTION).content.decode()
    assert 'data-disposal-state="requested"' in read_only
    assert "request disposal" not in read_only


def _old_communication(user, subject: str):
    return comm_services.communication_record(
        customer=factories.CustomerFactory(),
        direction="in",
        channel="email",
        kind="enquiry",
        subject=subject,
        occurred_at=timezone.now() - dt.timedelta(days=3),
        recorded_by=user,
    )


@pytest.mark.parametrize("rows", [1, 12])
def test_the_report_keeps_its_query_count_with_disposals(
    client, retention_over, keeper, second_keeper, rows, django_assert_num_queries
):
    from audit import disposal as services

    for index in range(rows):
        communication = _old_communication(keeper, f"Enquiry {index}")
        services.disposal_request(
            record_type="communications",
            record_id=communication.pk,
            reason="Period over",
            user=second_keeper,
        )
    client.force_login(keeper)
    client.get(RETENTION)

    # session; user; roles; a count and a page for each of the three types; the
    # disposals of the rows shown.
    with django_assert_num_queries(10):
        client.get(RETENTION)
