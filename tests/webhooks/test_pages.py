"""The webhook pages: integrations admins register, edit, ping, re-send and
delete; auditors read without secrets; bad input is a message, hostile text is
shown as text; the lists keep their query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.webhooks.conftest import endpoint_for
from webhooks.models import WebhookDelivery, WebhookEndpoint

HOSTILE = "<script>alert(1)</script> {{ secret }} {% now 'Y' %}"


@pytest.fixture
def admin_client(client, integrations_admin):
    client.force_login(integrations_admin)
    return client


def _form(**extra) -> dict:  # noqa: ANN003
    data = {
        "url": "https://erp.example.com/hooks",
        "description": "ERP",
        "events": ["order.submitted", "review.decided"],
        "customer_code": "",
        "active": "on",
    }
    data.update(extra)
    return data


def test_an_admin_registers_an_endpoint_and_sees_its_secret(admin_client):
    response = admin_client.post(reverse("webhooks:endpoint_create"), _form())
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == endpoint.get_absolute_url()
    assert endpoint.events == ["order.submitted", "review.decided"]
    assert endpoint.secret.startswith("whsec_")
    page = admin_client.get(endpoint.get_absolute_url()).content.decode()
    assert endpoint.secret in page
    assert "Rotate secret" in page and "Send a test ping" in page


def test_a_customer_restriction_is_given_by_account_code(admin_client, customer):
    admin_client.post(
        reverse("webhooks:endpoint_create"), _form(customer_code="ACME-1")
    )
    assert WebhookEndpoint.objects.get().customer == customer


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"url": "http://erp.example.com/hooks"}, "url", "must use https://"),
        ({"url": "ftp://erp.example.com/"}, "url", "must start with https://"),
        ({"url": "https://127.0.0.1/hooks"}, "url", "private, loopback"),
        ({"url": "https://localhost:8000/"}, "url", "this machine"),
        ({"url": "https://user:pw@erp.example.com/"}, "url", "passwords out"),
        ({"url": "https://exa mple.com/"}, "url", "not a valid URL"),
        ({"events": []}, "events", "at least one event"),
        ({"events": ["order.deleted"]}, "events", "Select a valid choice"),
        ({"customer_code": "NOPE"}, "customer_code", "No customer"),
    ],
)
def test_bad_input_answers_200_with_the_message_beside_the_field(
    admin_client, settings, changes, field, message
):
    settings.WEBHOOK_ALLOW_HTTP = False
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    response = admin_client.post(reverse("webhooks:endpoint_create"), _form(**changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not WebhookEndpoint.objects.exists()


def test_hostile_text_is_shown_as_text_everywhere(admin_client, integrations_admin):
    endpoint = endpoint_for(integrations_admin, "https://erp.example.com/h")
    endpoint.description = HOSTILE
    endpoint.save()
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_type="ping",
        event_id="00000000-0000-4000-8000-000000000009",
        payload={"note": HOSTILE},
        state="failed",
        attempts=1,
        next_attempt_at=timezone.now(),
        last_error=HOSTILE,
    )
    delivery.attempt_log.create(number=1, started_at=timezone.now(), excerpt=HOSTILE)
    for url in (
        reverse("webhooks:endpoint_list"),
        endpoint.get_absolute_url(),
        delivery.get_absolute_url(),
        reverse("webhooks:endpoint_delete", args=[endpoint.pk]),
    ):
        page = admin_client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in page, url
        assert "&lt;script&gt;" in page, url
    page = admin_client.get(delivery.get_absolute_url()).content.decode()
    assert "{{ secret }}" in page and "{% now" in page


def test_editing_keeps_the_secret_and_rotating_replaces_it(
    admin_client, integrations_admin
):
    endpoint = endpoint_for(integrations_admin, "https://erp.example.com/h")
    secret = endpoint.secret
    edit = reverse("webhooks:endpoint_edit", args=[endpoint.pk])
    assert admin_client.get(edit).status_code == 200
    admin_client.post(edit, _form(url="https://erp2.example.com/h", active=""))
    endpoint.refresh_from_db()
    assert endpoint.url == "https://erp2.example.com/h" and not endpoint.active
    assert endpoint.secret == secret
    admin_client.post(reverse("webhooks:secret_rotate", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.secret != secret and endpoint.secret.startswith("whsec_")
    # The secret is never kept in the history tables.
    assert not hasattr(endpoint.history.first(), "secret")


def test_delete_asks_first_then_deletes(admin_client, integrations_admin):
    endpoint = endpoint_for(integrations_admin, "https://erp.example.com/h")
    url = reverse("webhooks:endpoint_delete", args=[endpoint.pk])
    assert "Delete the endpoint" in admin_client.get(url).content.decode()
    assert WebhookEndpoint.objects.exists()
    response = admin_client.post(url)
    assert response["Location"] == reverse("webhooks:endpoint_list")
    assert not WebhookEndpoint.objects.exists()


def test_ping_and_resend_queue_new_deliveries_due_now(admin_client, integrations_admin):
    endpoint = endpoint_for(integrations_admin, "https://erp.example.com/h")
    response = admin_client.post(reverse("webhooks:endpoint_ping", args=[endpoint.pk]))
    ping = WebhookDelivery.objects.get()
    assert response["Location"] == ping.get_absolute_url()
    assert ping.event_type == "ping" and ping.state == "queued"
    WebhookDelivery.objects.filter(pk=ping.pk).update(
        state="given_up", attempts=6, next_attempt_at=None
    )
    response = admin_client.post(reverse("webhooks:delivery_resend", args=[ping.pk]))
    again = WebhookDelivery.objects.exclude(pk=ping.pk).get()
    assert response["Location"] == again.get_absolute_url()
    assert again.resent_from == ping and again.event_id == ping.event_id
    assert again.payload == ping.payload and again.uuid != ping.uuid
    assert again.state == "queued" and again.next_attempt_at <= timezone.now()
    page = admin_client.get(again.get_absolute_url()).content.decode()
    assert "a re-send of" in page


def test_resend_to_an_endpoint_now_restricted_to_another_customer_is_refused(
    admin_client, integrations_admin, customer, other_customer
):
    endpoint = endpoint_for(integrations_admin, "https://erp.example.com/h")
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_type="order.submitted",
        event_id="00000000-0000-4000-8000-000000000002",
        payload={},
        customer=customer,
        next_attempt_at=timezone.now(),
    )
    endpoint.customer = other_customer
    endpoint.save()
    response = admin_client.post(
        reverse("webhooks:delivery_resend", args=[delivery.pk]), follow=True
    )
    assert "no longer receives" in response.content.decode()
    assert WebhookDelivery.objects.count() == 1


def test_auditors_read_the_log_but_not_the_secret(client, auditor, integrations_admin):
    endpoint = endpoint_for(integrations_admin, "https://erp.example.com/h")
    client.force_login(auditor)
    page = client.get(endpoint.get_absolute_url()).content.decode()
    assert "erp.example.com" in page
    assert endpoint.secret not in page and "Rotate secret" not in page
    assert (
        client.post(reverse("webhooks:endpoint_ping", args=[endpoint.pk])).status_code
        == 403
    )
    assert not WebhookDelivery.objects.exists()


def test_the_user_menu_links_webhooks_for_admins_only(
    client, integrations_admin, service_user
):
    client.force_login(integrations_admin)
    assert reverse("webhooks:endpoint_list") in client.get("/").content.decode()
    client.force_login(service_user)
    assert reverse("webhooks:endpoint_list") not in client.get("/").content.decode()


def test_unknown_objects_are_404_and_wrong_methods_405(admin_client):
    assert (
        admin_client.get(reverse("webhooks:endpoint_detail", args=[999])).status_code
        == 404
    )
    assert (
        admin_client.get(reverse("webhooks:delivery_detail", args=[999])).status_code
        == 404
    )
    assert (
        admin_client.get(reverse("webhooks:endpoint_ping", args=[1])).status_code == 405
    )
    assert admin_client.post(reverse("webhooks:endpoint_list")).status_code == 405


def _deliveries(endpoint, n: int) -> None:  # noqa: ANN001
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint,
            event_type="ping",
            event_id=f"00000000-0000-4000-8000-{i:012d}",
            payload={"i": i},
            state="succeeded",
            attempts=1,
            last_status=200,
            last_response_ms=12,
        )
        for i in range(len(endpoint.deliveries.all()), n)
    )


def test_pages_keep_their_query_count_as_rows_grow(
    admin_client, integrations_admin, django_assert_max_num_queries
):
    endpoints = [
        endpoint_for(integrations_admin, f"https://erp{i}.example.com/h")
        for i in range(2)
    ]
    _deliveries(endpoints[0], 3)
    detail = endpoints[0].get_absolute_url()
    delivery = endpoints[0].deliveries.first()
    for attempt in range(3):
        delivery.attempt_log.create(number=attempt + 1, started_at=timezone.now())
    counts = {}
    for label, url in (
        ("list", reverse("webhooks:endpoint_list")),
        ("detail", detail),
        ("delivery", delivery.get_absolute_url()),
    ):
        with CaptureQueriesContext(connection) as small:
            assert admin_client.get(url).status_code == 200
        counts[label] = len(small)
    for i in range(2, 12):
        endpoint_for(integrations_admin, f"https://more{i}.example.com/h")
    _deliveries(endpoints[0], 60)
    for attempt in range(3, 10):
        delivery.attempt_log.create(number=attempt + 1, started_at=timezone.now())
    for label, url in (
        ("list", reverse("webhooks:endpoint_list")),
        ("detail", detail),
        ("delivery", delivery.get_absolute_url()),
    ):
        with django_assert_max_num_queries(counts[label]):
            assert admin_client.get(url).status_code == 200
    page = admin_client.get(detail)
    assert len(page.context["page"].rows) == 25 and page.context["page"].has_next
    assert "Succeeded: 60" in page.content.decode()
    older = admin_client.get(detail, {"after": page.context["page"].next_token})
    assert older.context["page"].rows[0].pk < page.context["page"].rows[-1].pk
