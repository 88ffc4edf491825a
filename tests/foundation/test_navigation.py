from django.urls import reverse


def _nav(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_customer_service_sees_customer_service_queue(client, service_user):
    page = _nav(client, service_user)
    assert 'id="queue-cs"' in page
    assert 'id="queue-auditor"' not in page
    assert 'id="queue-form-admin"' not in page


def test_auditor_sees_only_audit(client, auditor):
    page = _nav(client, auditor)
    assert 'id="queue-auditor"' in page
    assert 'id="queue-cs"' not in page
    assert 'id="queue-reviewer"' not in page


def test_form_admin_sees_forms(client, form_admin):
    page = _nav(client, form_admin)
    assert 'id="queue-form-admin"' in page
    assert 'id="queue-cs"' not in page


def test_reviewer_sees_reviews(client, reviewer):
    page = _nav(client, reviewer)
    assert 'id="queue-reviewer"' in page
    assert 'id="queue-cs"' not in page


def test_user_without_role_is_told(client, no_role_user):
    page = _nav(client, no_role_user)
    assert "no role yet" in page


def test_home_by_post_is_refused(client, service_user):
    client.force_login(service_user)
    assert client.post(reverse("home")).status_code == 405


def test_page_has_one_h1_and_landmarks(client, service_user):
    page = _nav(client, service_user)
    assert page.count("<h1") == 1
    assert "<main" in page and "<nav" in page


def test_unknown_page_is_friendly_404(client, service_user):
    client.force_login(service_user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_admin_requires_staff(client, service_user):
    client.force_login(service_user)
    response = client.get("/admin/")
    assert response.status_code == 302
