"""The worker's sweep sends deliveries to a real local HTTP server: signed, 2xx is
success, retries back off and give up, redirects are not followed, private
addresses are refused unless allowed."""

import socket
import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.webhooks.conftest import endpoint_for
from webhooks import services
from webhooks.models import WebhookDelivery
from webhooks.signing import signature_header, signature_verify
from webhooks.sweep import webhooks_sweep


def _queued(user, url, **kwargs):  # noqa: ANN001, ANN202
    endpoint = endpoint_for(user, url, **kwargs)
    return endpoint, services.ping_queue(endpoint=endpoint, user=user)


def test_a_due_delivery_is_sent_signed_with_its_headers(integrations_admin, receiver):
    endpoint, delivery = _queued(integrations_admin, receiver.url)
    assert "1 delivered" in webhooks_sweep()
    request = receiver.requests[0]
    assert request.path == "/hooks"
    assert request.headers["OrderReview-Event"] == "ping"
    assert request.headers["OrderReview-Delivery"] == str(delivery.uuid)
    assert request.headers["OrderReview-Event-Id"] == str(delivery.event_id)
    assert request.json() == delivery.payload
    header = request.headers["OrderReview-Signature"]
    assert signature_verify(endpoint.secret, header, request.body, now=int(time.time()))
    assert not signature_verify(
        "whsec_wrong", header, request.body, now=int(time.time())
    )
    delivery.refresh_from_db()
    assert delivery.state == "succeeded" and delivery.attempts == 1
    assert delivery.last_status == 200 and delivery.last_response_ms is not None
    attempt = delivery.attempt_log.get()
    assert attempt.succeeded and attempt.status_code == 200 and attempt.number == 1


def test_a_delivery_not_yet_due_waits(integrations_admin, receiver):
    _, delivery = _queued(integrations_admin, receiver.url)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    webhooks_sweep()
    assert receiver.requests == []


def test_failures_back_off_then_the_delivery_is_given_up(integrations_admin, receiver):
    _, delivery = _queued(integrations_admin, receiver.url)
    receiver.answers = [(500, {}, b"<b>boom</b>")] * 6
    delays = []
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(6):
            webhooks_sweep()
            delivery.refresh_from_db()
            if delivery.next_attempt_at:
                delays.append(delivery.next_attempt_at - timezone.now())
                clock.move_to(delivery.next_attempt_at)
    assert [d.total_seconds() for d in delays] == [60, 300, 1800, 7200, 21600]
    assert delivery.state == "given_up" and delivery.attempts == 6
    assert delivery.last_status == 500
    assert delivery.last_error == "<b>boom</b>"
    assert list(delivery.attempt_log.values_list("number", "status_code")) == [
        (n, 500) for n in range(1, 7)
    ]
    assert len(receiver.requests) == 6
    webhooks_sweep()
    assert len(receiver.requests) == 6


def test_a_retry_that_succeeds_ends_the_back_off(integrations_admin, receiver):
    _, delivery = _queued(integrations_admin, receiver.url)
    receiver.answers = [(503, {}, b"busy")]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        webhooks_sweep()
        delivery.refresh_from_db()
        assert delivery.state == "failed"
        clock.shift(timedelta(seconds=59))
        webhooks_sweep()
        assert len(receiver.requests) == 1
        clock.shift(timedelta(seconds=2))
        webhooks_sweep()
    delivery.refresh_from_db()
    assert delivery.state == "succeeded" and delivery.attempts == 2


def test_a_redirect_is_not_followed_and_counts_as_a_failure(
    integrations_admin, receiver
):
    _, delivery = _queued(integrations_admin, receiver.url)
    receiver.answers = [(302, {"Location": "http://169.254.169.254/latest"}, b"")]
    webhooks_sweep()
    assert len(receiver.requests) == 1  # nothing fetched from the Location
    delivery.refresh_from_db()
    assert delivery.state == "failed" and delivery.last_status == 302
    assert "not followed" in delivery.last_error


def test_a_slow_receiver_times_out_as_a_failure(integrations_admin, receiver, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    receiver.delay = 1.0
    _, delivery = _queued(integrations_admin, receiver.url)
    webhooks_sweep()
    delivery.refresh_from_db()
    assert delivery.state == "failed" and delivery.last_status is None
    assert "Timed out" in delivery.last_error or "timed out" in delivery.last_error


def test_a_closed_port_is_a_failure_with_the_reason(integrations_admin, receiver):
    url = receiver.url
    receiver.server.shutdown()
    receiver.server.server_close()
    _, delivery = _queued(integrations_admin, url)
    webhooks_sweep()
    delivery.refresh_from_db()
    assert delivery.state == "failed"
    assert delivery.last_error.startswith("No answer")


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hooks",
        "https://10.1.2.3/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hooks",
        "https://localhost/hooks",
    ],
)
def test_private_addresses_are_refused_at_send_time(
    integrations_admin, receiver, settings, url
):
    _, delivery = _queued(integrations_admin, url)
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    webhooks_sweep()
    delivery.refresh_from_db()
    assert delivery.state == "failed"
    assert delivery.last_error.startswith("Refused:")
    assert delivery.attempt_log.get().status_code is None


def test_a_public_name_resolving_to_loopback_is_refused(
    integrations_admin, receiver, settings, monkeypatch
):
    # DNS is the outside world here: a name that answers with 127.0.0.1.
    real = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if host == "hooks.example.com":
            return real("127.0.0.1", *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    port = receiver.server.server_address[1]
    _, delivery = _queued(integrations_admin, f"http://hooks.example.com:{port}/h")
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    webhooks_sweep()
    delivery.refresh_from_db()
    assert "private or loopback address (127.0.0.1)" in delivery.last_error
    assert receiver.requests == []


def test_plain_http_is_refused_unless_allowed(integrations_admin, receiver, settings):
    _, delivery = _queued(integrations_admin, receiver.url)
    settings.WEBHOOK_ALLOW_HTTP = False
    webhooks_sweep()
    delivery.refresh_from_db()
    assert delivery.last_error == "Refused: Webhook URLs must use https://."
    assert receiver.requests == []


def test_a_delivery_a_dead_worker_left_sending_is_tried_again(
    integrations_admin, receiver
):
    _, delivery = _queued(integrations_admin, receiver.url)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state="sending",
        attempts=1,
        next_attempt_at=None,
        sending_started_at=timezone.now() - timedelta(hours=1),
    )
    assert "1 stuck" in webhooks_sweep(older_than=timedelta(minutes=15))
    delivery.refresh_from_db()
    assert delivery.state == "failed" and delivery.attempts == 1
    assert "worker stopped" in delivery.attempt_log.get().excerpt


def test_a_rotated_secret_signs_the_next_attempt(integrations_admin, receiver):
    endpoint, _ = _queued(integrations_admin, receiver.url)
    old = endpoint.secret
    endpoint = services.secret_rotate(endpoint=endpoint, user=integrations_admin)
    webhooks_sweep()
    request = receiver.requests[0]
    header = request.headers["OrderReview-Signature"]
    now = int(time.time())
    assert signature_verify(endpoint.secret, header, request.body, now=now)
    assert not signature_verify(old, header, request.body, now=now)


def test_the_signature_refuses_old_timestamps_and_tampered_bodies():
    body = b'{"id":"1"}'
    header = signature_header("whsec_x", 1_000_000, body)
    assert signature_verify("whsec_x", header, body, now=1_000_000 + 300)
    assert not signature_verify("whsec_x", header, body, now=1_000_000 + 301)
    assert not signature_verify("whsec_x", header, body + b" ", now=1_000_000)
    assert not signature_verify("whsec_x", "v1=abc", body, now=1_000_000)
