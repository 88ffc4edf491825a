"""Lockout is not a weapon: the pair (account, address) is locked, the client address
is read correctly behind our proxies, and the password-change page counts too."""

import datetime as dt
import uuid

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import TEST_PASSWORD

ATTACKER = "203.0.113.66"
USER_HOME = "198.51.100.7"
PROXY = "10.9.8.7"


def _login(client: Client, username: str, password: str, **meta: str):
    return client.post(
        reverse("login"), {"username": username, "password": password}, **meta
    )


def _behind_proxy(address: str, claimed: str = "") -> dict[str, str]:
    """What the app sees of a client behind one proxy of ours."""
    forwarded = f"{claimed}, {address}" if claimed else address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


def _unique_address() -> str:
    return f"192.0.2.{uuid.uuid4().int % 250 + 1}"


# --- the pair is locked -------------------------------------------------------------


def test_an_attacker_elsewhere_cannot_lock_a_user_out_of_their_own_address(
    approver, settings
):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(settings.AXES_FAILURE_LIMIT + 5):
        _login(attacker, "approver", "guess")
    # The attacker's own address is locked for this account...
    assert _login(attacker, "approver", TEST_PASSWORD).status_code == 429
    # ...the approver at their desk is not.
    response = _login(Client(REMOTE_ADDR=USER_HOME), "approver", TEST_PASSWORD)
    assert response.status_code == 302


def test_failures_for_a_made_up_user_do_not_lock_a_real_user_on_that_address(
    approver, settings
):
    shared = Client(REMOTE_ADDR=USER_HOME)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        _login(shared, "no-such-user", "guess")
    assert _login(shared, "approver", TEST_PASSWORD).status_code == 302


def test_failures_while_locked_do_not_extend_the_lockout(service_user, settings):
    client = Client(REMOTE_ADDR=USER_HOME)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "service", "wrong")
    start = timezone.now()
    with time_machine.travel(start + dt.timedelta(minutes=10)):
        _login(client, "service", "wrong")
        assert _login(client, "service", TEST_PASSWORD).status_code == 429
    cool_off = dt.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1)
    with time_machine.travel(start + cool_off):
        assert _login(client, "service", TEST_PASSWORD).status_code == 302


# --- the client address behind proxies ----------------------------------------------


def test_behind_one_proxy_two_clients_are_told_apart_for_lockout(approver, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = Client(**_behind_proxy(ATTACKER))
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(attacker, "approver", "guess")
    assert _login(attacker, "approver", TEST_PASSWORD).status_code == 429
    user = Client(**_behind_proxy(USER_HOME))
    assert _login(user, "approver", TEST_PASSWORD).status_code == 302


def test_behind_one_proxy_a_client_cannot_escape_lockout_by_claiming_addresses(
    approver, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(settings.AXES_FAILURE_LIMIT):
        meta = _behind_proxy(ATTACKER, claimed=f"198.18.0.{number + 1}")
        _login(Client(**meta), "approver", "guess")
    meta = _behind_proxy(ATTACKER, claimed="198.18.1.1")
    assert _login(Client(**meta), "approver", TEST_PASSWORD).status_code == 429


def test_without_trusted_proxies_a_spoofed_forwarded_for_is_ignored(approver, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for number in range(settings.AXES_FAILURE_LIMIT):
        spoofed = Client(
            REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"198.18.0.{number + 1}"
        )
        _login(spoofed, "approver", "guess")
    again = Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="198.18.9.9")
    assert _login(again, "approver", TEST_PASSWORD).status_code == 429


def test_behind_one_proxy_the_public_rate_limit_tells_clients_apart(
    client, intake_version, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.PUBLIC_RATE_LIMIT = 3
    url = reverse("orders:catalog_request", args=["machined-parts"])
    first, second = (
        _unique_address(),
        _unique_address().replace("192.0.2", "198.51.100"),
    )
    for _ in range(3):
        assert client.get(url, **_behind_proxy(first)).status_code == 200
    assert client.get(url, **_behind_proxy(first)).status_code == 429
    # Claiming another address in front of the proxy's entry does not help...
    assert client.get(url, **_behind_proxy(first, claimed="1.2.3.4")).status_code == 429
    # ...and the next customer behind the same proxy is served.
    assert client.get(url, **_behind_proxy(second)).status_code == 200


def test_without_trusted_proxies_the_rate_limit_ignores_forwarded_for(
    client, intake_version, settings
):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.PUBLIC_RATE_LIMIT = 3
    url = reverse("orders:catalog_request", args=["machined-parts"])
    address = _unique_address()
    for number in range(3):
        spoofed = f"198.18.0.{number + 1}"
        response = client.get(url, REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=spoofed)
        assert response.status_code == 200
    response = client.get(url, REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR="198.18.5.5")
    assert response.status_code == 429


# --- password change ----------------------------------------------------------------


def _change_password(client: Client, old: str):
    return client.post(
        reverse("password_change"),
        {
            "old_password": old,
            "new_password1": "A-new-long-passphrase-42",
            "new_password2": "A-new-long-passphrase-42",
        },
    )


def test_ten_wrong_old_passwords_lock_the_password_change(service_user, settings):
    client = Client(REMOTE_ADDR=USER_HOME)
    client.force_login(service_user)
    statuses = [_change_password(client, f"guess-{n}").status_code for n in range(10)]
    # The form answers the first guesses; the lockout answers the rest.
    assert statuses[0] == 200
    assert statuses[-1] == 429
    assert statuses.index(429) <= settings.AXES_FAILURE_LIMIT
    assert _change_password(client, TEST_PASSWORD).status_code == 429
    service_user.refresh_from_db()
    assert service_user.check_password(TEST_PASSWORD)
    # The lockout is the same one the login page uses.
    assert (
        _login(Client(REMOTE_ADDR=USER_HOME), "service", TEST_PASSWORD).status_code
        == 429
    )


def test_a_wrong_old_password_is_told_next_to_the_field(service_user):
    client = Client(REMOTE_ADDR=USER_HOME)
    client.force_login(service_user)
    response = _change_password(client, "not-it")
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    service_user.refresh_from_db()
    assert service_user.check_password(TEST_PASSWORD)


def test_the_right_old_password_still_changes_it(service_user):
    client = Client(REMOTE_ADDR=USER_HOME)
    client.force_login(service_user)
    response = _change_password(client, TEST_PASSWORD)
    assert response.status_code == 302
    service_user.refresh_from_db()
    assert service_user.check_password("A-new-long-passphrase-42")
