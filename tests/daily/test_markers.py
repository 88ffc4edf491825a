"""Required questions are marked before anyone submits, on every page that asks them."""

import re

import pytest
from django.urls import reverse

from orders import services as order_services
from orders.models import Channel
from requirements import services as req_services
from tests import factories

pytestmark = pytest.mark.django_db

ASTERISK = '<span class="asteriskField">*</span>'


def label_of(page: str, key: str) -> str:
    """The label text of one text answer field, markup included."""
    match = re.search(rf'<label[^>]*for="id_a-{key}"[^>]*>(.*?)</label>', page, re.S)
    assert match, f"no label for {key}"
    return match.group(1).strip()


def assert_marked(page: str) -> None:
    assert "An asterisk (" in page
    assert label_of(page, "name") == f"Part name{ASTERISK}"
    # Required only when shown: marked, and said so, but not demanded by the browser.
    assert label_of(page, "bare_reason") == f"Why uncoated?{ASTERISK}"
    assert "Required when shown." in page
    assert re.search(r'name="a-name"[^>]*required', page)
    assert not re.search(r'name="a-bare_reason"[^>]*required', page)


@pytest.fixture
def draft(every_kind, service_user):
    return req_services.intake_start(
        user=service_user,
        form_version=every_kind,
        channel=Channel.EMAIL,
        customer=factories.CustomerFactory(),
        documented_statement=True,
    )


def test_the_draft_page_marks_required_questions_before_a_submit(
    client, draft, service_user
):
    client.force_login(service_user)
    page = client.get(reverse("orders:order_edit", args=[draft.order.number]))
    assert_marked(page.content.decode())


def test_saving_an_unfinished_draft_still_succeeds_without_errors(
    client, draft, service_user
):
    client.force_login(service_user)
    url = reverse("orders:order_edit", args=[draft.order.number])
    header = {
        "customer": draft.order.customer_id,
        "channel": "email",
        "documented_statement": "yes",
    }
    response = client.post(url, {**header, "a-notes": "later", "save": "1"})
    assert response.status_code == 302


def test_the_portal_marks_required_questions(client, draft, service_user):
    _link, token = order_services.portal_link_create(
        order=draft.order, user=service_user
    )
    page = client.get(reverse("orders:portal", args=[token])).content.decode()
    assert_marked(page)


def test_the_catalog_request_marks_required_questions(client, every_kind):
    page = client.get(reverse("orders:catalog_request", args=["every-kind"]))
    assert_marked(page.content.decode())


def test_the_change_order_page_marks_required_questions(client, accepted):
    response = client.post(
        reverse("requirements:change_new", args=[accepted.number]),
        {
            "reason": "More",
            "channel": "phone",
            "requested_by": "Jo",
            "documented_statement": "yes",
        },
    )
    assert_marked(client.get(response.url).content.decode())
