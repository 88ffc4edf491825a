"""The customer-property register (ISO 9001 8.5.3, 8.2.1 d): what the customer lent
us, its condition and place, and every loss, damage or unsuitability reported to the
customer and followed up until closed."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from communications import customer_property as services
from communications.models import Communication, CustomerProperty
from tests import factories

pytestmark = pytest.mark.django_db

NEW = reverse("communications:property_new")
HOSTILE = "<script>alert(1)</script>{{ request.user.password }}{% debug %}"


def receive(customer, user, order=None, **overrides):
    data = {
        "customer": customer,
        "order": order,
        "kind": "tooling",
        "description": "Drill jig J-7",
        "received_on": timezone.localdate(),
        "condition_on_receipt": "Good, one locating pin worn",
        "location": "Tool store, shelf 3",
        "user": user,
    }
    return services.property_receive(**{**data, **overrides})


def report(item, user, **overrides):
    data = {
        "item": item,
        "problem": "damaged",
        "details": "Dropped during set-up; told the buyer by phone.",
        "channel": "phone",
        "occurred_at": timezone.now(),
        "user": user,
    }
    return services.property_problem_report(**{**data, **overrides})


# --- services ------------------------------------------------------------------------


def test_receiving_records_the_item_and_who_entered_it(service_user):
    order = factories.OrderFactory()

    item = receive(order.customer, service_user, order=order)

    assert item.status == CustomerProperty.Status.HELD
    assert item.recorded_by == service_user
    entry = item.history.get()
    assert entry.history_user == service_user
    assert entry.history_change_reason == "Received"


def test_an_order_of_another_customer_or_a_future_date_is_refused(service_user):
    order = factories.OrderFactory()
    other = factories.CustomerFactory()

    with pytest.raises(Exception, match="belongs to another customer"):
        receive(other, service_user, order=order)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(Exception, match="in the future"):
        receive(order.customer, service_user, received_on=tomorrow)
    assert not CustomerProperty.objects.exists()


def test_a_problem_is_reported_to_the_customer_and_followed_up_until_closed(
    service_user,
):
    order = factories.OrderFactory()
    item = receive(order.customer, service_user, order=order)

    item = report(item, service_user)

    assert item.status == CustomerProperty.Status.DAMAGED
    assert item.problem_open
    message = item.problem_report
    assert message.kind == Communication.Kind.CUSTOMER_PROPERTY
    assert message.direction == Communication.Direction.OUTBOUND
    assert message.order == order
    assert message.customer == order.customer
    assert "damaged" in message.subject

    with pytest.raises(Exception, match="how it was resolved"):
        services.property_problem_close(item=item, resolution="  ", user=service_user)
    item = services.property_problem_close(
        item=item, resolution="Customer sent a new jig", user=service_user
    )
    assert not item.problem_open
    assert item.resolved_by == service_user
    with pytest.raises(Exception, match="no open problem"):
        services.property_problem_close(item=item, resolution="x", user=service_user)


def test_only_a_held_item_moves_is_released_or_gets_a_problem(service_user):
    item = receive(factories.CustomerFactory(), service_user)
    item = services.property_move(item=item, location="Bay 2", user=service_user)
    assert item.location == "Bay 2"

    item = services.property_release(item=item, status="returned", user=service_user)

    with pytest.raises(Exception, match="Only an item we still hold"):
        services.property_move(item=item, location="Bay 3", user=service_user)
    with pytest.raises(Exception, match="only an item we hold"):
        report(item, service_user)
    with pytest.raises(Exception, match="nothing to release"):
        services.property_release(item=item, status="incorporated", user=service_user)
    with pytest.raises(Exception, match="Choose lost, damaged or unsuitable"):
        report(receive(item.customer, service_user), service_user, problem="held")


def test_the_database_refuses_a_silent_problem_and_a_resolution_without_its_parts(
    service_user,
):
    item = receive(factories.CustomerFactory(), service_user)
    rows = CustomerProperty.objects.filter(pk=item.pk)

    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(status="lost")
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(resolved_at=timezone.now(), resolved_by=service_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(status="stolen")


# --- pages ---------------------------------------------------------------------------


def form_data(customer, **overrides):
    return {
        "customer": customer.pk,
        "order": "",
        "kind": "material",
        "description": "Bar stock 1.4404, 20 bars",
        "received_on": timezone.localdate().isoformat(),
        "condition_on_receipt": "Certificates attached",
        "location": "Rack B",
        **overrides,
    }


def test_customer_service_records_an_item_from_the_order_page_link(
    client, service_user
):
    order = factories.OrderFactory()
    client.force_login(service_user)

    page = client.get(NEW + f"?order={order.number}")
    assert page.status_code == 200
    assert f'value="{order.number}"' in page.content.decode()

    response = client.post(NEW, form_data(order.customer, order=order.number))

    item = CustomerProperty.objects.get()
    assert response.status_code == 302
    assert response.url == item.get_absolute_url()
    assert item.order == order
    detail = client.get(reverse("orders:order_detail", args=[order.number]))
    assert "Bar stock 1.4404, 20 bars" in detail.content.decode()


def test_bad_input_comes_back_with_messages_next_to_the_fields_and_nothing_lost(
    client, service_user
):
    customer = factories.CustomerFactory()
    client.force_login(service_user)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()

    response = client.post(
        NEW,
        form_data(
            customer,
            order="SO-0000-999999",
            received_on=tomorrow,
            location="",
            description="Kept text " + "x" * 10,
        ),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is no order SO-0000-999999." in html
    assert "This field is required." in html
    assert "Kept text xxxxxxxxxx" in html
    assert not CustomerProperty.objects.exists()


def test_hostile_text_is_shown_as_text_everywhere(client, service_user, auditor):
    order = factories.OrderFactory()
    item = receive(
        order.customer,
        service_user,
        order=order,
        description=HOSTILE[:200],
        condition_on_receipt=HOSTILE,
        location=HOSTILE[:200],
    )
    report(item, service_user, details=HOSTILE)
    client.force_login(auditor)

    for url in (
        reverse("communications:property_list"),
        item.get_absolute_url(),
        reverse("orders:order_detail", args=[order.number]),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "pbkdf2" not in html


def test_a_refused_action_shows_the_page_again_with_the_message(client, service_user):
    item = receive(factories.CustomerFactory(), service_user)
    client.force_login(service_user)

    response = client.post(
        reverse("communications:property_problem", args=[item.pk]),
        {"problem": "lost", "details": "", "channel": "phone", "occurred_at": ""},
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    item.refresh_from_db()
    assert item.status == CustomerProperty.Status.HELD

    response = client.post(
        reverse("communications:property_close", args=[item.pk]),
        {"resolution": "Sorted"},
    )
    assert response.status_code == 200
    assert "There is no open problem to close." in response.content.decode()


def test_auditors_read_the_register_and_change_nothing(client, service_user, auditor):
    item = receive(factories.CustomerFactory(), service_user)
    client.force_login(auditor)

    assert client.get(reverse("communications:property_list")).status_code == 200
    page = client.get(item.get_absolute_url())
    assert page.status_code == 200
    assert "Record the problem" not in page.content.decode()
    move = reverse("communications:property_move", args=[item.pk])
    assert client.post(move, {"location": "Elsewhere"}).status_code == 403


def test_the_list_filters_open_problems(client, service_user):
    customer = factories.CustomerFactory()
    report(receive(customer, service_user, description="Broken gauge"), service_user)
    receive(customer, service_user, description="Fine fixture")
    client.force_login(service_user)

    html = client.get(
        reverse("communications:property_list") + "?status=open_problems"
    ).content.decode()

    assert "Broken gauge" in html
    assert "Fine fixture" not in html


@pytest.mark.parametrize("rows", [1, 30])
def test_the_list_and_the_item_page_keep_their_query_count(
    client, service_user, rows, django_assert_num_queries
):
    customer = factories.CustomerFactory()
    items = [receive(customer, service_user) for _ in range(rows)]
    report(items[0], service_user)
    client.force_login(service_user)
    client.get(reverse("communications:property_list"))

    # session; user; roles; one page of items with customers and orders; the
    # filter form's customers.
    with django_assert_num_queries(5):
        client.get(reverse("communications:property_list"))
    # session; user; roles; the item with its people and its report.
    with django_assert_num_queries(4):
        client.get(items[0].get_absolute_url())


# --- review findings ------------------------------------------------------------------


def test_a_damaged_item_is_still_moved_and_goes_back(service_user):
    item = report(receive(factories.CustomerFactory(), service_user), service_user)

    item = services.property_move(item=item, location="Quarantine", user=service_user)
    item = services.property_release(item=item, status="returned", user=service_user)

    assert (item.location, item.status) == ("Quarantine", "returned")
    assert item.problem_report is not None  # the report stays on file


def test_a_report_cannot_be_dated_before_the_item_arrived(service_user):
    item = receive(factories.CustomerFactory(), service_user)

    with pytest.raises(Exception, match="before the item was received"):
        report(item, service_user, occurred_at=timezone.now() - dt.timedelta(days=9))


def test_when_a_drafts_customer_changes_its_property_and_communications_follow(
    service_user, customer
):
    from communications import services as comm_services
    from orders import services as order_services
    from requirements import services as req_services

    order = req_services.intake_start(
        user=service_user,
        form_version=factories.published_version(),
        channel="email",
        customer=customer,
    ).order
    item = receive(order.customer, service_user, order=order)
    note = comm_services.communication_record(
        customer=order.customer,
        order=order,
        direction="in",
        channel="phone",
        kind="enquiry",
        subject="Call about the draft",
        occurred_at=timezone.now(),
        recorded_by=service_user,
    )
    other = factories.CustomerFactory(name="Right Customer Ltd")

    order_services.order_header_update(
        order=order, user=service_user, channel=order.channel, customer=other
    )

    item.refresh_from_db()
    note.refresh_from_db()
    assert item.customer == other
    assert note.customer == other
    entry = item.history.first()
    assert entry.history_user == service_user
    assert entry.history_change_reason == (
        f"Order {order.number} is now for Right Customer Ltd"
    )


def test_a_catalog_request_needs_its_customer_before_property(service_user):
    order = factories.OrderFactory(customer_to_confirm=True)

    with pytest.raises(Exception, match="Confirm who the customer"):
        receive(order.customer, service_user, order=order)


def test_a_nul_in_the_order_link_prefills_nothing(client, service_user):
    client.force_login(service_user)

    assert client.get(NEW + "?order=%00").status_code == 200
    create = reverse("communications:communication_create")
    assert client.get(create + "?order=SO%00").status_code == 200
