import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from orders.models import Channel, Order
from tests import factories
from tests.intake.conftest import COMPLETE

pytestmark = pytest.mark.django_db

LIST = "/orders/"


def numbers(response) -> list[str]:
    return [order.number for order in response.context["page"].rows]


@pytest.fixture
def orders(customer, intake_version):
    other_customer = factories.CustomerFactory(name="Nordic Instruments")
    other_version = factories.published_version()
    with time_machine.travel(timezone.now() - datetime.timedelta(days=30)):
        phone = factories.OrderFactory(
            customer=customer,
            form_version=intake_version,
            channel=Channel.PHONE,
            customer_reference="PO-APPLE",
        )
    return {
        "phone": phone,
        "email": factories.OrderFactory(
            customer=other_customer,
            form_version=intake_version,
            channel=Channel.EMAIL,
            status=Order.Status.AWAITING_REVIEW,
            customer_reference="PO-PEAR",
        ),
        "edi": factories.OrderFactory(
            customer=other_customer,
            form_version=other_version,
            channel=Channel.EDI,
            customer_reference="EDI-0001",
        ),
    }


def test_list_filters_by_status_customer_form_and_channel(
    client, service_user, orders, customer, intake_version
):
    client.force_login(service_user)
    response = client.get(LIST, {"status": "awaiting_review"})
    assert numbers(response) == [orders["email"].number]
    response = client.get(LIST, {"customer": customer.pk})
    assert numbers(response) == [orders["phone"].number]
    response = client.get(LIST, {"form": intake_version.form.pk, "sort": "number"})
    assert numbers(response) == [orders["phone"].number, orders["email"].number]
    response = client.get(LIST, {"channel": "edi"})
    assert numbers(response) == [orders["edi"].number]


def test_list_filters_by_date_range(client, service_user, orders):
    old = orders["phone"]  # entered 30 days ago
    client.force_login(service_user)
    since = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.get(LIST, {"date_from": since})
    assert old.number not in numbers(response)
    assert len(numbers(response)) == 2
    response = client.get(LIST, {"date_to": since})
    assert numbers(response) == [old.number]
    response = client.get(LIST, {"date_from": "2030-01-02", "date_to": "2030-01-01"})
    assert response.status_code == 200
    assert "date_to" in response.context["filters"].errors


def test_list_searches_number_customer_and_reference(client, service_user, orders):
    client.force_login(service_user)
    assert numbers(client.get(LIST, {"q": "pear"})) == [orders["email"].number]
    assert numbers(client.get(LIST, {"q": "acme"})) == [orders["phone"].number]
    number = orders["edi"].number
    assert numbers(client.get(LIST, {"q": number[-6:]})) == [number]
    assert numbers(client.get(LIST, {"q": "nothing-like-this"})) == []


def test_search_by_number_prefix_and_account_code(client, service_user, orders):
    client.force_login(service_user)
    number = orders["edi"].number
    prefix = number[:-3]  # "SO-2026-000" matches every order numbered alike
    found = numbers(client.get(LIST, {"q": prefix.lower()}))
    assert sorted(found) == sorted(o.number for o in orders.values())
    code = orders["email"].customer.account_code
    found = numbers(client.get(LIST, {"q": code[1:].lower()}))
    assert sorted(found) == sorted([orders["email"].number, number])


def test_a_whole_order_number_finds_exactly_that_order(client, service_user, orders):
    client.force_login(service_user)
    number = orders["edi"].number
    assert numbers(client.get(LIST, {"q": number.lower()})) == [number]
    assert numbers(client.get(LIST, {"q": f" {number} "})) == [number]
    assert numbers(client.get(LIST, {"q": number[:-6] + "999999"})) == []


def test_list_sorts(client, service_user, orders):
    client.force_login(service_user)
    ascending = numbers(client.get(LIST, {"sort": "number"}))
    assert ascending == sorted(ascending)
    assert numbers(client.get(LIST, {"sort": "-number"})) == ascending[::-1]
    by_customer = client.get(LIST, {"sort": "customer"}).context["page"].rows
    assert [o.customer.name for o in by_customer] == sorted(
        o.customer.name for o in by_customer
    )
    # an unknown sort is ignored, not a server error
    assert client.get(LIST, {"sort": "drop table"}).status_code == 200


def test_list_filters_by_discipline_still_to_assess(
    client, service_user, orders, engineering, quality
):
    from reviews.models import Assessment, Review

    order = orders["email"]
    revision = factories.RequirementSetFactory(order=order, state="submitted")
    requirement = factories.RequirementFactory(requirement_set=revision)
    review = Review.objects.create(
        requirement_set=revision, order=order, due_date=timezone.localdate()
    )
    Assessment.objects.create(
        review=review, requirement=requirement, discipline=engineering
    )
    Assessment.objects.create(
        review=review,
        requirement=requirement,
        discipline=quality,
        verdict="can_meet",
    )
    client.force_login(service_user)
    assert numbers(client.get(LIST, {"to_assess": engineering.pk})) == [order.number]
    assert numbers(client.get(LIST, {"to_assess": quality.pk})) == []


def test_list_paginates_without_counting(
    client, service_user, customer, intake_version
):
    user = factories.UserFactory()
    for _ in range(51):  # one more than a page
        factories.OrderFactory(
            customer=customer, form_version=intake_version, entered_by=user
        )
    client.force_login(service_user)
    first = client.get(LIST, {"sort": "number"})
    token = first.context["page"].next_token
    second = client.get(LIST, {"sort": "number", "after": token})
    assert first.context["page"].has_next
    assert not second.context["page"].has_next
    assert len(numbers(first)) == 50 and len(numbers(second)) == 1
    assert numbers(second)[0] > numbers(first)[-1]
    # Keyset pages: the link names the last row shown, never a row count.
    assert f"after={token}" in first.content.decode()
    assert "sort=number" in first.content.decode()


@pytest.mark.parametrize("rows", [1, 50])
def test_list_queries_are_constant(
    client, service_user, customer, intake_version, rows, django_assert_num_queries
):
    for _ in range(rows):
        factories.OrderFactory(customer=customer, form_version=intake_version)
    client.force_login(service_user)
    # session, user, user's groups; the page of orders with customer and form;
    # the filter form's choices: customers, order forms, disciplines
    with django_assert_num_queries(7):
        response = client.get(LIST, {"q": "SO", "channel": "phone"})
    assert len(numbers(response)) == rows


def test_list_permissions(client, no_role_user, auditor):
    assert client.get(LIST).status_code == 302
    client.force_login(no_role_user)
    assert client.get(LIST).status_code == 403
    client.force_login(auditor)
    assert client.get(LIST).status_code == 200
    assert client.post(LIST).status_code == 405


def test_home_queue_lists_drafts_and_orders_to_confirm(
    client, service_user, draft, intake_version, customer
):
    from requirements.services import intake_start, revision_submit

    order = draft.order
    order.documented_statement = False
    order.save()
    submitted = intake_start(
        user=service_user,
        form_version=intake_version,
        channel=Channel.PHONE,
        customer=customer,
        answers=COMPLETE,
    )
    revision_submit(revision=submitted, user=service_user)
    client.force_login(service_user)
    page = client.get(reverse("home")).content.decode()
    # The draft is to finish; the submitted phone order's requirements to confirm.
    assert page.count(f">{order.number}<") == 1
    confirm = reverse("orders:revision_confirmation", args=[submitted.order.number, 1])
    assert f'href="{confirm}"' in page
    assert "confirm the requirements with the customer" in page
    assert 'href="/orders/"' in page and 'href="/customers/"' in page
