"""Portal links: made once per click, told apart, and closed when the order is in."""

import pytest
from django.urls import reverse

from orders.models import Channel, PortalLink
from requirements import services as req_services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(service_user):
    version = factories.published_version(questions=1)
    return req_services.intake_start(
        user=service_user,
        form_version=version,
        channel=Channel.EMAIL,
        customer=factories.CustomerFactory(),
    )


def test_creating_a_link_redirects_and_shows_it_once(client, service_user, draft):
    client.force_login(service_user)
    url = reverse("orders:portal_link", args=[draft.order.number])
    response = client.post(url, {"action": "create", "label": "Jo Buyer, purchasing"})
    assert response.status_code == 302
    assert response.url == url
    page = client.get(url).content.decode()
    assert 'id="portal-url"' in page
    link = PortalLink.objects.get()
    assert link.label == "Jo Buyer, purchasing"
    assert f"…/portal/{link.token_start}…" in page
    assert "Jo Buyer, purchasing" in page
    # A reload is a GET: no new link, and the token is not shown again.
    again = client.get(url).content.decode()
    assert 'id="portal-url"' not in again
    assert PortalLink.objects.count() == 1


def test_the_shown_link_starts_with_the_fragment_listed(client, service_user, draft):
    client.force_login(service_user)
    url = reverse("orders:portal_link", args=[draft.order.number])
    client.post(url, {"action": "create"})
    page = client.get(url)
    token = page.context["new_url"].rstrip("/").rsplit("/", 1)[-1]
    assert token.startswith(PortalLink.objects.get().token_start)
    assert len(PortalLink.objects.get().token_start) == 6


def test_a_label_that_is_too_long_is_refused_beside_the_field(
    client, service_user, draft
):
    client.force_login(service_user)
    url = reverse("orders:portal_link", args=[draft.order.number])
    response = client.post(url, {"action": "create", "label": "x" * 101})
    assert response.status_code == 200
    assert "at most 100 characters" in response.content.decode()
    assert not PortalLink.objects.exists()


def test_submitting_the_order_expires_its_unused_links(client, service_user, draft):
    from orders import services as order_services

    _first, first_token = order_services.portal_link_create(
        order=draft.order, user=service_user
    )
    _second, second_token = order_services.portal_link_create(
        order=draft.order, user=service_user, label="spare"
    )
    draft = req_services.revision_answers_save(
        revision=draft,
        user=service_user,
        answers={q.key: "x" for q in draft.order.form_version.questions.all()},
    )
    req_services.revision_submit(revision=draft, user=service_user)
    for token in (first_token, second_token):
        response = client.get(reverse("orders:portal", args=[token]))
        assert response.status_code == 410
    client.force_login(service_user)
    page = client.get(reverse("orders:portal_link", args=[draft.order.number]))
    assert page.content.decode().count(">expired<") == 2
    # Nothing left to revoke: an expired link offers no Revoke button.
    assert 'value="revoke"' not in page.content.decode()


def test_a_customer_submit_expires_the_other_links(client, service_user, draft):
    from orders import services as order_services

    _used, token = order_services.portal_link_create(
        order=draft.order, user=service_user
    )
    other, other_token = order_services.portal_link_create(
        order=draft.order, user=service_user
    )
    key = draft.order.form_version.questions.get().key
    response = client.post(
        reverse("orders:portal", args=[token]), {f"a-{key}": "x", "submit": "1"}
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.used_at is None
    assert client.get(reverse("orders:portal", args=[other_token])).status_code == 410
