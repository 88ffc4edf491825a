"""Idempotency-Key on API POSTs: a repeat returns the first result and creates
nothing; the same key with another request, another user's key, a key past its
time, a refused first request, and two copies sent at the same moment."""

import itertools
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from api.models import IdempotentRequest
from orders.models import Customer, Order
from tests.api.conftest import is_problem, token_client

CUSTOMERS = "/api/v1/customers/"
ORDERS = "/api/v1/orders/"


def post_keyed(client: Client, url: str, data: object, key: str):
    return client.post(
        url, data, content_type="application/json", headers={"Idempotency-Key": key}
    )


_codes = itertools.count(1)


def new_customer(name: str = "Keyed Ltd") -> dict:
    """A new customer's body; each with its own account code (codes are unique)."""
    return {"name": name, "account_code": f"KEY-{next(_codes)}", "contact_name": "Kay"}


def test_a_repeated_post_returns_the_first_result_and_creates_nothing(service_api):
    body = new_customer()
    first = post_keyed(service_api, CUSTOMERS, body, "key-0001")
    again = post_keyed(service_api, CUSTOMERS, body, "key-0001")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Customer.objects.filter(name="Keyed Ltd").count() == 1


def test_a_new_key_makes_a_new_object(service_api):
    post_keyed(service_api, CUSTOMERS, new_customer(), "key-a")
    post_keyed(service_api, CUSTOMERS, new_customer(), "key-b")
    assert Customer.objects.filter(name="Keyed Ltd").count() == 2


def test_without_the_header_every_post_creates(service_api):
    for _ in range(2):
        service_api.post(CUSTOMERS, new_customer(), content_type="application/json")
    assert Customer.objects.filter(name="Keyed Ltd").count() == 2


def test_the_same_key_with_another_body_is_refused(service_api):
    post_keyed(service_api, CUSTOMERS, new_customer(), "key-2")
    other = post_keyed(service_api, CUSTOMERS, new_customer("Other Ltd"), "key-2")
    assert is_problem(other, 422, "idempotency-key-reused")
    assert not Customer.objects.filter(name="Other Ltd").exists()


def test_the_same_key_on_another_url_is_refused(service_api, intake_version, customer):
    post_keyed(service_api, CUSTOMERS, new_customer(), "key-3")
    order = {
        "customer": customer.pk,
        "form": "machined-parts",
        "channel": "email",
        "documented_statement": True,
    }
    response = post_keyed(service_api, ORDERS, order, "key-3")
    assert is_problem(response, 422, "idempotency-key-reused")
    assert not Order.objects.exists()


def test_keys_belong_to_their_user(service_api, service_user, django_user_model):
    colleague = django_user_model.objects.create_user("colleague", password="x")
    colleague.groups.set(service_user.groups.all())
    post_keyed(service_api, CUSTOMERS, new_customer(), "shared-key")
    theirs = post_keyed(
        token_client(colleague), CUSTOMERS, new_customer(), "shared-key"
    )
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs
    assert Customer.objects.filter(name="Keyed Ltd").count() == 2


def test_a_refused_request_is_not_remembered(service_api):
    refused = post_keyed(service_api, CUSTOMERS, {"name": ""}, "key-4")
    assert is_problem(refused, 400, "validation-error")
    assert not IdempotentRequest.objects.exists()
    corrected = post_keyed(service_api, CUSTOMERS, new_customer(), "key-4")
    assert corrected.status_code == 201


def test_a_key_past_its_time_runs_again(service_api, settings):
    post_keyed(service_api, CUSTOMERS, new_customer(), "key-5")
    IdempotentRequest.objects.update(
        created_at=timezone.now()
        - timedelta(hours=settings.API_IDEMPOTENCY_KEY_HOURS, minutes=1)
    )
    again = post_keyed(service_api, CUSTOMERS, new_customer(), "key-5")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Customer.objects.filter(name="Keyed Ltd").count() == 2
    assert IdempotentRequest.objects.count() == 1


def test_the_worker_sweep_forgets_expired_keys(service_api, settings):
    from api.idempotency import expired_purge

    post_keyed(service_api, CUSTOMERS, new_customer(), "old")
    post_keyed(service_api, CUSTOMERS, new_customer(), "new")
    IdempotentRequest.objects.filter(key="old").update(
        created_at=timezone.now()
        - timedelta(hours=settings.API_IDEMPOTENCY_KEY_HOURS + 1)
    )
    assert expired_purge().startswith("1 expired Idempotency-Key record(s) removed")
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["new"]
    assert "api.idempotency.expired_purge" in settings.TASK_WORKER_SWEEPS


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "ключ"])
def test_a_malformed_key_is_a_problem_naming_the_header(service_api, key):
    response = service_api.post(
        CUSTOMERS,
        new_customer(),
        content_type="application/json",
        headers={"Idempotency-Key": key.encode().decode("latin-1")},
    )
    assert is_problem(response, 400, "idempotency-key-invalid")
    assert "Idempotency-Key" in response.json()["errors"]
    assert not Customer.objects.exists()


def test_an_unauthenticated_keyed_post_is_refused_by_the_view(client, db):
    response = post_keyed(client, CUSTOMERS, new_customer(), "key-6")
    assert is_problem(response, 401, "not-authenticated")
    assert not IdempotentRequest.objects.exists()


def test_an_auditor_keyed_post_is_refused_and_not_remembered(auditor_api):
    response = post_keyed(auditor_api, CUSTOMERS, new_customer(), "key-7")
    assert is_problem(response, 403, "permission-denied")
    assert not IdempotentRequest.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_copies_at_once_make_one_object(service_user):
    """Both copies pass the first look-up; the second waits on the key's unique
    index, rolls back its own customer and answers with the first's."""
    clients = [token_client(service_user), token_client(service_user)]
    for client in clients:
        # The loser's own work may fail inside the view (the account code is
        # taken); it must still answer with the winner's response, not a 500.
        client.raise_request_exception = False
    body = new_customer()
    barrier = threading.Barrier(2)
    responses = []

    def send(client: Client) -> None:
        try:
            barrier.wait(timeout=10)
            responses.append(post_keyed(client, CUSTOMERS, body, "race"))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert Customer.objects.filter(name="Keyed Ltd").count() == 1
    assert IdempotentRequest.objects.count() == 1
