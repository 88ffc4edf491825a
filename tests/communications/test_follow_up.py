"""Feedback and complaints are followed up: open, in progress, closed with a
resolution and who closed it; open ones wait on customer service's home page."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from communications import selectors, services
from communications.models import Communication
from tests import factories

pytestmark = pytest.mark.django_db


def follow_up_url(communication):
    return reverse("communications:communication_follow_up", args=[communication.pk])


def test_the_complaint_lifecycle_from_open_to_closed(client, service_user, customer):
    client.force_login(service_user)
    client.post(
        reverse("communications:communication_create"),
        {
            "customer": customer.pk,
            "direction": "in",
            "channel": "email",
            "kind": "complaint",
            "subject": "Wrong thread pitch",
            "occurred_at": timezone.now().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    complaint = Communication.objects.get()
    assert complaint.follow_up == "open"

    response = client.post(follow_up_url(complaint), {"state": "in_progress"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.follow_up == "in_progress"

    refused = client.post(follow_up_url(complaint), {"state": "closed"})
    assert refused.status_code == 200
    assert "Say how it was resolved before closing it." in refused.content.decode()
    complaint.refresh_from_db()
    assert complaint.follow_up == "in_progress"

    client.post(
        follow_up_url(complaint),
        {"state": "closed", "resolution": "Replacement parts shipped on 3 May."},
    )
    complaint.refresh_from_db()
    assert complaint.follow_up == "closed"
    assert complaint.resolution == "Replacement parts shipped on 3 May."
    assert complaint.closed_by == service_user
    assert complaint.closed_at is not None
    states = [h.follow_up for h in complaint.history.order_by("history_date")]
    assert states == ["open", "in_progress", "closed"]
    assert complaint.history.first().history_user == service_user


def test_a_closed_complaint_can_be_reopened(service_user):
    complaint = factories.CommunicationFactory(kind="complaint")
    services.communication_follow_up(
        communication=complaint, state="closed", resolution="Done", user=service_user
    )

    reopened = services.communication_follow_up(
        communication=complaint, state="open", user=service_user
    )

    assert reopened.follow_up == "open"
    assert reopened.closed_by is None
    assert reopened.resolution == "Done"  # kept, and in the history anyway


def test_an_enquiry_has_no_follow_up(service_user):
    enquiry = factories.CommunicationFactory(kind="enquiry")

    with pytest.raises(ValidationError, match="Only feedback and complaints"):
        services.communication_follow_up(
            communication=enquiry, state="closed", resolution="x", user=service_user
        )


def test_the_database_refuses_a_closed_complaint_without_resolution(service_user):
    complaint = factories.CommunicationFactory(kind="complaint")
    complaint.follow_up = "closed"
    complaint.closed_by = service_user
    complaint.closed_at = timezone.now()

    with pytest.raises(IntegrityError), transaction.atomic():
        complaint.save()


def test_the_database_refuses_follow_up_on_other_kinds(customer):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.CommunicationFactory(
            customer=customer, kind="enquiry", follow_up="open"
        )


def test_following_up_needs_customer_service(client, auditor, reviewer):
    complaint = factories.CommunicationFactory(kind="complaint")
    url = follow_up_url(complaint)

    assert client.post(url, {"state": "in_progress"}).status_code == 302  # login
    client.force_login(auditor)
    assert client.post(url, {"state": "in_progress"}).status_code == 403
    client.force_login(reviewer)
    assert client.post(url, {"state": "in_progress"}).status_code == 403
    complaint.refresh_from_db()
    assert complaint.follow_up == "open"


def test_following_up_by_get_is_refused(client, service_user):
    complaint = factories.CommunicationFactory(kind="complaint")
    client.force_login(service_user)

    assert client.get(follow_up_url(complaint)).status_code == 405


def test_following_up_an_unknown_communication_is_404(client, service_user):
    client.force_login(service_user)
    url = reverse("communications:communication_follow_up", args=[999999])

    assert client.post(url, {"state": "in_progress"}).status_code == 404


def test_open_feedback_and_complaints_wait_on_the_home_page_with_their_age(
    client, service_user
):
    now = timezone.now()
    factories.CommunicationFactory(
        kind="complaint", subject="Scratched", occurred_at=now - timedelta(days=3)
    )
    factories.CommunicationFactory(
        kind="feedback", subject="Praise", occurred_at=now - timedelta(hours=2)
    )
    closed = factories.CommunicationFactory(kind="complaint", subject="Old matter")
    services.communication_follow_up(
        communication=closed, state="closed", resolution="Fixed", user=service_user
    )
    factories.CommunicationFactory(kind="enquiry", subject="Just asking")
    client.force_login(service_user)

    page = client.get(reverse("home")).content.decode()

    assert "Scratched" in page
    assert "3\xa0days old" in page
    assert "Praise" in page
    assert "2\xa0hours old" in page
    assert page.index("Scratched") < page.index("Praise")  # oldest first
    assert "Old matter" not in page
    assert "Just asking" not in page


@pytest.mark.parametrize("rows", [1, 10])
def test_the_home_queue_runs_two_queries(rows, django_assert_num_queries):
    from django.template.loader import render_to_string

    factories.CommunicationFactory.create_batch(rows, kind="complaint")
    factories.OutboundNoticeFactory.create_batch(
        rows, status="failed", last_error="The customer has no e-mail address."
    )

    # 1. the failed notices with their orders and customers;
    # 2. the open follow-ups with their customers.
    with django_assert_num_queries(2):
        html = render_to_string(
            "communications/_home_queue.html",
            {
                "unsent_notices": selectors.failed_notices(),
                "follow_ups": selectors.open_follow_ups(),
            },
        )

    assert html.count("<li") == 2 * rows


def test_the_dashboard_partial_counts_open_complaints_by_age(
    service_user, django_assert_num_queries
):
    from django.template.loader import render_to_string

    now = timezone.now()
    for days in (1, 2, 10, 45):
        factories.CommunicationFactory(
            kind="complaint", occurred_at=now - timedelta(days=days)
        )
    factories.CommunicationFactory(kind="feedback")
    closed = factories.CommunicationFactory(kind="complaint")
    services.communication_follow_up(
        communication=closed, state="closed", resolution="Fixed", user=service_user
    )

    # one aggregate over open complaints.
    with django_assert_num_queries(1):
        html = render_to_string(
            "communications/_dashboard_complaints.html",
            {"complaints": selectors.open_complaints_summary()},
        )

    assert '<p class="display-6 mb-1">4</p>' in html
    assert "Oldest: 1\xa0month" in html
    assert 'Under a week</dt><dd class="col-4 mb-0">2<' in html
    assert 'One week to a month</dt><dd class="col-4 mb-0">1<' in html
    assert 'Over a month</dt><dd class="col-4 mb-0">1<' in html


def test_the_list_shows_everything_still_to_deal_with(client, service_user):
    open_one = factories.CommunicationFactory(kind="complaint")
    started = factories.CommunicationFactory(kind="feedback")
    services.communication_follow_up(
        communication=started, state="in_progress", user=service_user
    )
    done = factories.CommunicationFactory(kind="complaint")
    services.communication_follow_up(
        communication=done, state="closed", resolution="Fixed", user=service_user
    )
    factories.CommunicationFactory(kind="enquiry")
    client.force_login(service_user)

    response = client.get(
        reverse("communications:communication_list"), {"follow_up": "pending"}
    )

    assert set(response.context["page"]["rows"]) == {open_one, started}
