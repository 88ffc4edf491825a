from django.urls import reverse

from tests.factories import TEST_PASSWORD


def _login(client, password):
    return client.post(reverse("login"), {"username": "service", "password": password})


def test_repeated_wrong_passwords_lock_the_account(client, service_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong")
    response = _login(client, TEST_PASSWORD)
    assert response.status_code == 429
    assert b"Too many wrong passwords" in response.content
    assert not response.wsgi_request.user.is_authenticated


def test_a_success_before_the_limit_resets_the_count(client, service_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "wrong")
    assert _login(client, TEST_PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "wrong")
    assert _login(client, TEST_PASSWORD).status_code == 302


def test_pages_carry_a_strict_content_security_policy(client, db):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_state_changing_post_without_csrf_token_is_refused(db, service_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(service_user)
    response = client.post(reverse("logout"))
    assert response.status_code == 403


def test_sessions_expire(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
