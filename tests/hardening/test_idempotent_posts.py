"""Create forms carry a one-time token: a replayed POST creates nothing new and
lands where the first one did."""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from communications.models import Communication
from orders.models import Order
from tests.communications.test_views import create_data
from tests.hardening.conftest import COMPLETE, answer_post
from tests.intake.test_public import CONTACT
from tests.intake.test_views_orders import header_post

TOKEN = re.compile(r'name="submission_token" value="([^"]+)"')


def token_from(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    match = TOKEN.search(page)
    assert match, "the form carries no submission token"
    return match.group(1)


def test_replaying_a_new_order_post_opens_the_first_draft(
    client, service_user, customer, intake_version
):
    client.force_login(service_user)
    url = reverse("orders:order_new")
    data = header_post(customer, form=intake_version.form.pk)
    data["submission_token"] = token_from(client, url)

    first = client.post(url, data)
    second = client.post(url, data)

    assert Order.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]


def test_a_new_order_page_gives_each_visit_its_own_token(client, service_user):
    client.force_login(service_user)
    url = reverse("orders:order_new")

    assert token_from(client, url) != token_from(client, url)


def test_replaying_a_communication_post_records_it_once(client, service_user, customer):
    client.force_login(service_user)
    url = reverse("communications:communication_create")
    data = create_data(customer)
    data["submission_token"] = token_from(client, url)

    first = client.post(url, data)
    second = client.post(url, data)

    assert Communication.objects.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


def test_replaying_a_catalog_request_sends_it_once(client, intake_version):
    url = reverse("orders:catalog_request", args=[intake_version.form.slug])
    data = {**CONTACT, **answer_post(COMPLETE)}
    data["submission_token"] = token_from(client, url)

    first = client.post(url, data)
    second = Client().post(url, data)  # the same POST from another connection

    assert Order.objects.count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"] == url + "?sent=1"


def test_a_form_shown_again_with_errors_keeps_its_token(client, service_user, customer):
    client.force_login(service_user)
    url = reverse("communications:communication_create")
    token = token_from(client, url)

    response = client.post(
        url, create_data(customer, subject="", submission_token=token)
    )

    assert response.status_code == 200
    assert TOKEN.search(response.content.decode()).group(1) == token


@pytest.mark.django_db(transaction=True)
def test_two_racing_copies_of_one_post_create_one_communication(service_user, customer):
    url = reverse("communications:communication_create")
    opener = Client()
    opener.force_login(service_user)
    data = create_data(customer)
    data["submission_token"] = token_from(opener, url)
    locations: list[str] = []
    barrier = threading.Barrier(2)

    def post() -> None:
        client = Client()
        client.force_login(service_user)
        barrier.wait(timeout=30)
        try:
            locations.append(client.post(url, data)["Location"])
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert Communication.objects.count() == 1
    assert len(locations) == 2 and locations[0] == locations[1]
