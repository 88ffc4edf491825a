"""API tokens: hash-only storage, the bearer header, revocation, last use, the
management command and the token page."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import Client
from django.urls import reverse

from api import services
from api.models import ApiToken, RateAllowance
from tests.api.conftest import is_problem
from tests.factories import CustomerFactory

CUSTOMERS = "/api/v1/customers/"


def bearer(key: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {key}"})


def stored_text(token: ApiToken) -> str:
    return " ".join(
        str(value) for value in ApiToken.objects.values().get(pk=token.pk).values()
    )


def test_only_a_hash_of_the_token_is_stored(service_user):
    token, key = services.api_token_create(user=service_user, name="ERP import")
    assert key.startswith("ort_") and len(key) > 40
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in stored_text(token)
    assert key[len(token.prefix) :] not in stored_text(token)
    assert key.startswith(token.prefix)


def test_a_token_acts_as_its_user_and_notes_its_last_use(service_user):
    token, key = services.api_token_create(user=service_user)
    assert token.last_used_at is None
    response = bearer(key).get(CUSTOMERS)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_change_through_a_token_is_recorded_as_its_user(service_user, service_api):
    customer = CustomerFactory(name="Acme")
    response = service_api.patch(
        f"{CUSTOMERS}{customer.pk}/",
        {"name": "Acme Ltd"},
        content_type="application/json",
    )
    assert response.status_code == 200
    newest = customer.history.order_by("-history_id").first()
    assert newest.name == "Acme Ltd"
    assert newest.history_user == service_user


def test_a_request_without_credentials_gets_a_401_problem():
    response = Client().get(CUSTOMERS)
    assert is_problem(response, 401, "not-authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ort_not-a-real-token", "Bearer a b", "Bearer " + "x" * 500],
)
def test_a_wrong_or_malformed_token_is_refused(service_user, header):
    response = Client(headers={"Authorization": header}).get(CUSTOMERS)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_revoked_token_is_refused(service_user):
    token, key = services.api_token_create(user=service_user)
    assert bearer(key).get(CUSTOMERS).status_code == 200
    services.api_token_revoke(token=token, by=service_user)
    assert is_problem(bearer(key).get(CUSTOMERS), 401, "authentication-failed")


def test_a_deactivated_users_token_is_refused(service_user):
    _token, key = services.api_token_create(user=service_user)
    service_user.is_active = False
    service_user.save()
    assert bearer(key).get(CUSTOMERS).status_code == 401


def test_a_token_gets_its_users_roles_not_more(reviewer):
    _token, key = services.api_token_create(user=reviewer)
    assert is_problem(bearer(key).get(CUSTOMERS), 403, "permission-denied")
    assert bearer(key).get("/api/v1/orders/").status_code == 200


def test_requests_beyond_the_rate_limit_get_429_per_token(service_user, settings):
    settings.API_RATE_LIMIT = "2/minute"
    _token, key = services.api_token_create(user=service_user)
    _other, other_key = services.api_token_create(user=service_user)
    client = bearer(key)
    assert client.get(CUSTOMERS).status_code == 200
    assert client.get(CUSTOMERS).status_code == 200
    refused = client.get(CUSTOMERS)
    assert is_problem(refused, 429, "rate-limited")
    assert int(refused["Retry-After"]) > 0
    # Counted per token: another token is not held back by the first.
    assert bearer(other_key).get(CUSTOMERS).status_code == 200


def test_the_allowance_comes_back_one_interval_at_a_time(service_user, settings):
    """2/minute: two at once, then one more each 30 s (the wait says when)."""
    settings.API_RATE_LIMIT = "2/minute"
    token, key = services.api_token_create(user=service_user)
    client = bearer(key)
    assert [client.get(CUSTOMERS).status_code for _ in range(3)] == [200, 200, 429]
    allowance = RateAllowance.objects.get(caller=f"token-{token.pk}")
    assert 29 <= int(client.get(CUSTOMERS)["Retry-After"]) <= 31

    def later(seconds: int) -> None:
        RateAllowance.objects.filter(pk=allowance.pk).update(
            full_at=F("full_at") - timedelta(seconds=seconds)
        )

    later(31)
    assert [client.get(CUSTOMERS).status_code for _ in range(2)] == [200, 429]
    later(120)
    assert [client.get(CUSTOMERS).status_code for _ in range(3)] == [200, 200, 429]


def test_full_allowances_are_forgotten_by_the_sweep(service_user, settings):
    from api.idempotency import expired_purge

    _token, key = services.api_token_create(user=service_user)
    bearer(key).get(CUSTOMERS)
    assert RateAllowance.objects.count() == 1
    RateAllowance.objects.update(full_at=F("full_at") - timedelta(minutes=2))
    assert "1 full rate allowance(s) forgotten" in expired_purge()
    assert not RateAllowance.objects.exists()


# --- the management command -------------------------------------------------------


def test_the_command_prints_a_working_token_once(service_user):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "api_token_create", user="service", name="ERP import", stdout=out, stderr=err
    )
    key = out.getvalue().strip()
    token = ApiToken.objects.get(user=service_user)
    assert token.name == "ERP import"
    assert key.startswith(token.prefix)
    assert "service" in err.getvalue() and key not in err.getvalue()
    assert bearer(key).get(CUSTOMERS).status_code == 200


def test_the_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("api_token_create", user="nobody", stdout=io.StringIO())
    assert not ApiToken.objects.exists()


# --- the token page -----------------------------------------------------------------


def test_the_token_page_shows_a_new_token_once_and_it_works(client, auditor):
    client.force_login(auditor)
    page = reverse("api:token_list")
    created = client.post(page, {"name": "Audit export"})
    assert created.status_code == 302
    shown = client.get(page).content.decode()
    token = ApiToken.objects.get(user=auditor)
    start = shown.index(token.prefix)
    key = shown[start : shown.index('"', start)]
    assert bearer(key).get(CUSTOMERS).status_code == 200
    again = client.get(page).content.decode()
    assert key not in again
    assert token.prefix in again and "Audit export" in again


def test_a_token_name_is_shown_as_text(client, service_user):
    client.force_login(service_user)
    client.post(reverse("api:token_list"), {"name": "<b>{{ x }}</b>"})
    page = client.get(reverse("api:token_list")).content.decode()
    assert "&lt;b&gt;{{ x }}&lt;/b&gt;" in page


def test_a_too_long_name_is_refused_beside_the_field(client, service_user):
    client.force_login(service_user)
    response = client.post(reverse("api:token_list"), {"name": "x" * 101})
    assert response.status_code == 200
    assert "at most 100 characters" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_asks_first_then_revokes(client, service_user):
    token, key = services.api_token_create(user=service_user, name="Old script")
    client.force_login(service_user)
    url = reverse("api:token_revoke", args=[token.pk])
    question = client.get(url)
    assert question.status_code == 200
    assert "Revoke the token" in question.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == service_user
    assert bearer(key).get(CUSTOMERS).status_code == 401


def test_nobody_sees_or_revokes_another_persons_token(client, service_user, auditor):
    token, _key = services.api_token_create(user=service_user, name="Nightly sync")
    client.force_login(auditor)
    assert "Nightly sync" not in client.get(reverse("api:token_list")).content.decode()
    url = reverse("api:token_revoke", args=[token.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_token_page_needs_a_login(client):
    response = client.get(reverse("api:token_list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
