"""Domain events queue deliveries: the right event, only that order's data, and
nothing for an endpoint restricted to another customer."""

from communications.models import OutboundNotice
from orderreview import events
from orders.models import Channel
from requirements import change_orders
from requirements import services as req_services
from reviews import services as review_services
from reviews.models import Review
from tests import factories
from tests.hardening.conftest import conditionally_accepted, submitted
from tests.webhooks.conftest import endpoint_for
from webhooks.models import EventType, WebhookDelivery

URL = "https://erp.example.com/hooks"


def _submit(intake_version, customer, user, callbacks):  # noqa: ANN001, ANN202
    with callbacks(execute=True):
        return submitted(intake_version, customer, user)


def test_a_submitted_order_queues_order_submitted_with_only_its_data(
    intake_version,
    customer,
    service_user,
    integrations_admin,
    django_capture_on_commit_callbacks,
):
    endpoint = endpoint_for(integrations_admin, URL)
    order = _submit(
        intake_version, customer, service_user, django_capture_on_commit_callbacks
    )
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.event_type == "order.submitted"
    assert delivery.state == "queued" and delivery.attempts == 0
    body = delivery.payload
    assert body["type"] == "order.submitted"
    assert body["id"] == str(delivery.event_id)
    data = body["data"]
    assert data["revision"] == 1
    assert data["order"]["number"] == order.number
    assert data["order"]["customer"] == {
        "id": customer.pk,
        "name": "Acme Precision Ltd",
        "account_code": "ACME-1",
    }
    assert data["order"]["url"] == (
        f"https://orderreview.example.com/api/v1/orders/{order.number}/"
    )
    # What the customer answered is not in the event: the API serves it to a
    # client with the right token.
    assert "AX-100" not in str(body)


def test_nothing_is_queued_before_the_submission_commits(
    intake_version,
    customer,
    service_user,
    integrations_admin,
    django_capture_on_commit_callbacks,
):
    endpoint_for(integrations_admin, URL)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submitted(intake_version, customer, service_user)
    assert callbacks
    assert not WebhookDelivery.objects.exists()


def test_an_endpoint_restricted_to_another_customer_gets_nothing(
    intake_version,
    customer,
    other_customer,
    service_user,
    integrations_admin,
    django_capture_on_commit_callbacks,
):
    theirs = endpoint_for(integrations_admin, URL, customer=other_customer)
    ours = endpoint_for(integrations_admin, URL, customer=customer)
    everyone = endpoint_for(integrations_admin, URL)
    _submit(intake_version, customer, service_user, django_capture_on_commit_callbacks)
    assert not WebhookDelivery.objects.filter(endpoint=theirs).exists()
    assert WebhookDelivery.objects.filter(endpoint=ours).count() == 1
    assert WebhookDelivery.objects.filter(endpoint=everyone).count() == 1
    # One event: the same id in both deliveries.
    assert len(set(WebhookDelivery.objects.values_list("event_id", flat=True))) == 1


def test_inactive_and_unsubscribed_endpoints_get_nothing(
    intake_version,
    customer,
    service_user,
    integrations_admin,
    django_capture_on_commit_callbacks,
):
    endpoint_for(integrations_admin, URL, active=False)
    endpoint_for(integrations_admin, URL, events=[EventType.NOTICE_FAILED])
    _submit(intake_version, customer, service_user, django_capture_on_commit_callbacks)
    assert not WebhookDelivery.objects.exists()


def test_a_submitted_change_order_queues_change_order_submitted(
    intake_version,
    customer,
    service_user,
    integrations_admin,
    django_capture_on_commit_callbacks,
):
    order = submitted(intake_version, customer, service_user)
    endpoint_for(integrations_admin, URL, events=[EventType.CHANGE_ORDER_SUBMITTED])
    change = change_orders.change_order_start(
        order=order,
        user=service_user,
        reason="Quantity doubled",
        channel=Channel.PHONE,
        requested_by="Buyer",
    )
    req_services.revision_answers_save(
        revision=change,
        user=service_user,
        answers={**change.answers, "quantity": 500},
    )
    with django_capture_on_commit_callbacks(execute=True):
        req_services.revision_submit(revision=change, user=service_user)
    delivery = WebhookDelivery.objects.get()
    assert delivery.event_type == "change_order.submitted"
    assert delivery.payload["data"]["revision"] == 2
    assert delivery.payload["data"]["order"]["number"] == order.number


def test_a_decision_carries_the_record_url_and_the_signed_content_hash(
    intake_version,
    customer,
    service_user,
    approver,
    integrations_admin,
    django_capture_on_commit_callbacks,
):
    endpoint_for(integrations_admin, URL, events=[EventType.REVIEW_DECIDED])
    with django_capture_on_commit_callbacks(execute=True):
        order, _token = conditionally_accepted(
            intake_version, customer, service_user, approver
        )
    delivery = WebhookDelivery.objects.get()
    assert delivery.event_type == "review.decided"
    decision = delivery.payload["data"]["decision"]
    signature = order.reviews.get().decision.signatures.get()
    assert decision["outcome"] == "accept" and decision["accepted"] is True
    assert decision["content_hash"] == signature.content_hash
    assert len(decision["content_hash"]) == 64
    assert decision["acceptance_record_url"] == (
        f"https://orderreview.example.com/orders/{order.number}/record/1/"
    )


def test_a_failed_notice_queues_notice_failed_for_its_customer_only(
    customer, other_customer, integrations_admin, django_capture_on_commit_callbacks
):
    ours = endpoint_for(integrations_admin, URL, customer=customer)
    theirs = endpoint_for(integrations_admin, URL, customer=other_customer)
    order = factories.OrderFactory(customer=customer)
    notice = factories.OutboundNoticeFactory(order=order, customer=customer)
    with django_capture_on_commit_callbacks(execute=True):
        events.notice_failed.send(sender=OutboundNotice, notice=notice)
    delivery = WebhookDelivery.objects.get()
    assert delivery.endpoint == ours
    assert not theirs.deliveries.exists()
    assert delivery.payload["data"]["notice"]["id"] == notice.pk
    assert delivery.payload["data"]["order"]["customer"]["id"] == customer.pk


def test_a_rejected_change_order_queues_change_order_decided(
    intake_version,
    customer,
    service_user,
    approver,
    integrations_admin,
    django_capture_on_commit_callbacks,
):
    order = submitted(intake_version, customer, service_user)
    change = change_orders.change_order_start(
        order=order,
        user=service_user,
        reason="Quantity doubled",
        channel=Channel.PHONE,
        requested_by="Buyer",
    )
    req_services.revision_answers_save(
        revision=change, user=service_user, answers={**change.answers, "quantity": 9}
    )
    req_services.revision_submit(revision=change, user=service_user)
    endpoint_for(integrations_admin, URL, events=[EventType.CHANGE_ORDER_DECIDED])
    review = Review.objects.get(requirement_set=change)
    with django_capture_on_commit_callbacks(execute=True):
        review_services.decision_sign(
            review=review,
            signer=approver,
            outcome="reject",
            reasons="Cannot make 9 in time",
            password=factories.TEST_PASSWORD,
        )
    delivery = WebhookDelivery.objects.get()
    assert delivery.event_type == "change_order.decided"
    data = delivery.payload["data"]
    assert data["revision"] == 2
    assert data["decision"]["outcome"] == "reject"
    assert data["decision"]["accepted"] is False
    assert data["decision"]["acceptance_record_url"].endswith(
        f"/orders/{order.number}/record/2/"
    )
