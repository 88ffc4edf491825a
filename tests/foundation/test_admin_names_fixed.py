"""Signed records name people by username and disciplines by slug: once created,
the Django admin shows both read-only, so a routine edit cannot make every record
of that person or discipline differ from what was signed."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_a_disciplines_slug_and_a_users_username_are_read_only_once_created(
    client, engineering
):
    admin = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)

    discipline = client.get(
        reverse("admin:orders_discipline_change", args=[engineering.pk])
    ).content.decode()
    user = client.get(
        reverse("admin:orderreview_user_change", args=[admin.pk])
    ).content.decode()

    assert 'name="slug"' not in discipline
    assert 'name="name"' in discipline  # the display name may still be corrected
    assert 'name="username"' not in user
    # New ones still get them.
    assert (
        'name="slug"'
        in client.get(reverse("admin:orders_discipline_add")).content.decode()
    )
