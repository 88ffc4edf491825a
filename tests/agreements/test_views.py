"""The customer's answer page (public, by link), customer service's record page and
an approver closing a declined order: happy paths, refusals, wrong methods, and
their pinned query counts."""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from communications.models import Communication
from orders.models import Order
from reviews.models import CustomerAgreement
from tests import factories
from tests.agreements.conftest import CONDITION, agreement_token

pytestmark = pytest.mark.django_db

ANSWER = {"answer": "agreed", "name": "Jo Buyer", "comment": ""}


def portal_url(order: Order) -> str:
    return reverse("orders:agreement_portal", args=[agreement_token(order)])


def record_url(order: Order) -> str:
    return reverse("orders:agreement_record", args=[order.number])


# --- the customer's page -------------------------------------------------------------


def test_the_portal_shows_the_order_and_its_conditions(client, conditional_order):
    page = client.get(portal_url(conditional_order))
    text = page.content.decode()
    assert page.status_code == 200
    assert conditional_order.number in text
    assert CONDITION in text
    assert "subject to your agreement" in text


def test_the_first_submit_asks_for_confirmation_and_records_nothing(
    client, conditional_order
):
    page = client.post(portal_url(conditional_order), ANSWER)
    assert "Please confirm your answer" in page.content.decode()
    assert CustomerAgreement.objects.get().state == "pending"


def test_a_confirmed_agreement_accepts_the_order_with_an_inbound_communication(
    client, conditional_order
):
    url = portal_url(conditional_order)
    page = client.post(url, {**ANSWER, "confirmed": "on"})
    assert page.status_code == 200
    assert f"order {conditional_order.number} is accepted" in page.content.decode()
    agreement = CustomerAgreement.objects.select_related("communication").get()
    assert (agreement.state, agreement.answered_via) == ("agreed", "portal")
    assert agreement.recorded_by is None
    assert agreement.token_used_at is not None
    assert agreement.communication.direction == "in"
    assert agreement.communication.channel == "web_portal"
    assert Order.objects.get(pk=conditional_order.pk).status == "accepted"
    # The link is single use.
    again = client.get(url)
    assert again.status_code == 410
    assert "already been given" in again.content.decode()


def test_a_decline_without_a_reason_keeps_what_was_typed(client, conditional_order):
    data = {"answer": "declined", "name": "Jo {{ Buyer }}", "comment": ""}
    page = client.post(portal_url(conditional_order), data)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Please tell us why you decline" in text
    assert "Jo {{ Buyer }}" in text
    assert CustomerAgreement.objects.get().state == "pending"


def test_a_confirmed_decline_goes_back_to_customer_service(client, conditional_order):
    data = {"answer": "declined", "name": "Jo", "comment": "Too late <b>for</b> us"}
    page = client.post(portal_url(conditional_order), {**data, "confirmed": "on"})
    assert "We will contact you" in page.content.decode()
    assert Order.objects.get(pk=conditional_order.pk).status == "conditions_declined"
    assert CustomerAgreement.objects.get().comment == "Too late <b>for</b> us"


def test_an_unknown_or_expired_link_is_refused_clearly(client, conditional_order):
    unknown = client.get(reverse("orders:agreement_portal", args=["not-a-token"]))
    assert unknown.status_code == 410
    assert "not known" in unknown.content.decode()
    url = portal_url(conditional_order)
    CustomerAgreement.objects.update(
        token_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    expired = client.post(url, {**ANSWER, "confirmed": "on"})
    assert expired.status_code == 410
    assert "expired" in expired.content.decode()
    assert CustomerAgreement.objects.get().state == "pending"


def test_a_link_answered_by_customer_service_is_refused(
    client, conditional_order, service_user
):
    url = portal_url(conditional_order)
    staff = Client()
    staff.force_login(service_user)
    staff.post(record_url(conditional_order), _recorded())
    assert client.get(url).status_code == 410


def test_the_portal_needs_the_csrf_token(conditional_order):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(portal_url(conditional_order), {**ANSWER, "confirmed": "on"})
    assert response.status_code == 403
    assert CustomerAgreement.objects.get().state == "pending"


def test_the_portal_refuses_other_methods(client, conditional_order):
    assert client.put(portal_url(conditional_order)).status_code == 405


# --- customer service record the answer ---------------------------------------------


def _recorded(**overrides) -> dict:
    return {
        "state": "agreed",
        "answered_by_name": "Jo Buyer",
        "answered_via": "phone",
        "answered_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "comment": "",
        "communication": "",
        "note": "Jo called: March is fine.",
        **overrides,
    }


def test_customer_service_record_an_answer_given_by_phone(
    client, conditional_order, service_user
):
    client.force_login(service_user)
    response = client.post(record_url(conditional_order), _recorded())
    assert response.status_code == 302
    agreement = CustomerAgreement.objects.select_related("communication").get()
    assert agreement.recorded_by == service_user
    assert agreement.communication.body == "Jo called: March is fine."
    assert Order.objects.get(pk=conditional_order.pk).status == "accepted"
    page = client.get(conditional_order.get_absolute_url())
    text = page.content.decode()
    assert "Agreed by the customer" in text
    # The order's timeline says so too.
    assert "Conditions of revision 1: agreed by the customer (Jo Buyer, phone)" in text


def test_an_answer_dated_in_the_future_is_shown_beside_the_field(
    client, conditional_order, service_user
):
    client.force_login(service_user)
    later = (timezone.localtime() + datetime.timedelta(days=2)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    response = client.post(
        record_url(conditional_order), _recorded(answered_at=later, note="Kept text")
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "cannot be in the future" in text
    assert "Kept text" in text
    assert not Communication.objects.filter(direction="in").exists()


def test_an_answer_needs_a_communication_or_what_was_said(
    client, conditional_order, service_user
):
    client.force_login(service_user)
    response = client.post(record_url(conditional_order), _recorded(note=""))
    assert response.status_code == 200
    assert "Choose the communication" in response.content.decode()


def test_the_record_page_is_not_found_without_pending_conditions(client, service_user):
    client.force_login(service_user)
    order = factories.OrderFactory()
    response = client.get(reverse("orders:agreement_record", args=[order.number]))
    assert response.status_code == 404


# --- an approver closes a declined order ---------------------------------------------


def test_an_approver_closes_a_declined_order_after_confirming(
    client, conditional_order, service_user, approver
):
    client.force_login(service_user)
    client.post(
        record_url(conditional_order),
        _recorded(state="declined", comment="Too late"),
    )
    client.force_login(approver)
    url = reverse("orders:order_close_declined", args=[conditional_order.number])
    confirm = client.get(url)
    assert f"Close {conditional_order.number} as rejected?" in confirm.content.decode()
    assert client.post(url, {"reason": ""}).status_code == 200
    assert client.post(url, {"reason": "Customer went elsewhere"}).status_code == 302
    assert Order.objects.get(pk=conditional_order.pk).status == "rejected"


# --- pinned query counts ---------------------------------------------------------


def _communications(order: Order, count: int) -> None:
    for _ in range(count):
        factories.CommunicationFactory(customer=order.customer, order=order)


@pytest.mark.parametrize("extra", [1, 20])
def test_the_portal_page_runs_a_fixed_number_of_queries(
    client, conditional_order, django_assert_num_queries, extra
):
    _communications(conditional_order, extra)
    url = portal_url(conditional_order)
    # The rate-limit counter in the database cache: add (cull count, savepoint,
    # look-up, insert, release) and incr (get, then set: cull count, savepoint,
    # look-up, update, release); the agreement with its order and customer.
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("extra", [1, 20])
def test_the_record_page_runs_a_fixed_number_of_queries(
    client, conditional_order, service_user, django_assert_num_queries, extra
):
    _communications(conditional_order, extra)
    client.force_login(service_user)
    url = record_url(conditional_order)
    # Session, user, groups; the order; the pending agreement with its decision;
    # the order's communications for the choice.
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200


# --- where the agreement shows ------------------------------------------------------


def test_the_record_pdf_shows_the_customers_agreement(
    client, conditional_order, service_user, approver
):
    client.force_login(service_user)
    client.post(record_url(conditional_order), _recorded(answered_by_name="Jo Buyer"))
    client.force_login(approver)
    url = reverse("reviews:acceptance_record_pdf", args=[conditional_order.number, 1])
    response = client.get(url)
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")
    assert "Customer agreement to conditions" in text
    assert "Agreed by the customer by Jo Buyer, phone" in text
    assert f"recorded by {service_user.printed_name}" in text
    assert CONDITION in text


def test_the_order_list_filters_orders_waiting_for_agreement(
    client, conditional_order, service_user, approver
):
    plain = factories.OrderFactory(status="accepted")
    client.force_login(service_user)
    page = client.get(reverse("orders:order_list"), {"status": "awaiting_agreement"})
    text = page.content.decode()
    assert conditional_order.number in text
    assert plain.number not in text


def test_customer_service_see_waiting_and_declined_orders_on_home(
    client, conditional_order, service_user
):
    client.force_login(service_user)
    home = client.get(reverse("home")).content.decode()
    assert "Waiting for the customer's agreement" in home
    assert conditional_order.number in home.split("queue-awaiting-agreement")[1]
    client.post(
        record_url(conditional_order), _recorded(state="declined", comment="No")
    )
    home = client.get(reverse("home")).content.decode()
    assert conditional_order.number in home.split("queue-conditions-declined")[1]


def test_changing_the_answer_on_the_confirmation_step_keeps_what_was_typed(
    client, conditional_order
):
    data = {**ANSWER, "name": "Jo Typed", "confirmed": "on", "edit": "1"}
    page = client.post(portal_url(conditional_order), data)
    text = page.content.decode()
    assert "Continue" in text
    assert 'value="Jo Typed"' in text
    assert CustomerAgreement.objects.get().state == "pending"
