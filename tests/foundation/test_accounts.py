import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.urls import reverse

from orderreview import roles
from tests.factories import TEST_PASSWORD


def test_login_page_is_public(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b"<h1" in response.content


def test_home_requires_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_with_right_password_lands_on_home(client, service_user):
    response = client.post(
        reverse("login"),
        {"username": "service", "password": TEST_PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    assert response.wsgi_request.user == service_user
    assert b"Welcome" in response.content


def test_login_with_wrong_password_shows_error(client, service_user):
    response = client.post(
        reverse("login"), {"username": "service", "password": "nope"}
    )
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert not response.wsgi_request.user.is_authenticated


def test_logout_ends_the_session(client, service_user):
    client.force_login(service_user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_logout_by_get_is_refused(client, service_user):
    client.force_login(service_user)
    assert client.get(reverse("logout")).status_code == 405


def test_password_change(client, service_user):
    client.force_login(service_user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-much-longer-new-passphrase",
            "new_password2": "a-much-longer-new-passphrase",
        },
    )
    assert response.status_code == 302
    service_user.refresh_from_db()
    assert service_user.check_password("a-much-longer-new-passphrase")


def test_password_change_mismatch_keeps_form(client, service_user):
    client.force_login(service_user)
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "abc", "new_password2": "abd"},
    )
    assert response.status_code == 200
    assert (
        b"didn\xe2\x80\x99t match" in response.content
        or b"didn't match" in response.content
    )


def test_role_groups_exist_with_permissions(db):
    roles.sync_roles()
    names = set(Group.objects.values_list("name", flat=True))
    assert set(roles.ALL_ROLES) <= names
    form_admin = Group.objects.get(name=roles.FORM_ADMIN)
    assert form_admin.permissions.filter(codename="change_question").exists()
    auditor = Group.objects.get(name=roles.AUDITOR)
    assert auditor.permissions.filter(codename="view_order").exists()
    assert not auditor.permissions.exclude(codename__startswith="view_").exists()


def test_users_are_never_deleted(service_user):
    with pytest.raises(IntegrityError, match="never deleted"), transaction.atomic():
        service_user.delete()
    service_user.is_active = False
    service_user.save()
    service_user.refresh_from_db()
    assert not service_user.is_active


def test_user_changes_are_in_history(service_user):
    service_user.first_name = "Renamed"
    service_user.save()
    assert service_user.history.first().first_name == "Renamed"


def test_a_login_records_its_time_but_writes_no_history_row(client, service_user):
    rows_before = service_user.history.count()

    response = client.post(
        reverse("login"), {"username": "service", "password": TEST_PASSWORD}
    )

    assert response.status_code == 302
    service_user.refresh_from_db()
    assert service_user.last_login is not None
    assert service_user.history.count() == rows_before
