"""The order header: who says whether requirements were documented, and header
facts the form asks for itself (one source)."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from communications.models import OutboundNotice
from orders.models import Channel, Order, Question
from requirements import services as req_services
from tests import factories

pytestmark = pytest.mark.django_db


def new_order_post(customer, version, **changes) -> dict:
    return {
        "customer": customer.pk,
        "form": version.form.pk,
        "channel": "phone",
        **changes,
    }


def test_the_new_order_page_ticks_no_documented_statement_by_default(
    client, service_user
):
    version = factories.published_version()
    client.force_login(service_user)
    page = client.get(reverse("orders:order_new")).content.decode()
    radios = re.findall(r'<input[^>]*name="documented_statement"[^>]*>', page)
    assert len(radios) == 2
    assert not any("checked" in radio for radio in radios)
    response = client.post(
        reverse("orders:order_new"),
        new_order_post(factories.CustomerFactory(), version),
    )
    assert response.status_code == 200
    assert "Say whether the customer documented them." in response.content.decode()
    assert not Order.objects.exists()


def test_the_person_entering_the_order_says_it_was_not_documented(client, service_user):
    version = factories.published_version()
    client.force_login(service_user)
    response = client.post(
        reverse("orders:order_new"),
        new_order_post(factories.CustomerFactory(), version, documented_statement="no"),
    )
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.documented_statement is False
    assert order.revisions.get().confirmation_missing


@pytest.mark.parametrize(
    ("channel", "documented"),
    [
        (Channel.PHONE, False),
        (Channel.IN_PERSON, False),
        (Channel.EMAIL, True),
        (Channel.EDI, True),
    ],
)
def test_phone_and_meeting_orders_start_undocumented(service_user, channel, documented):
    revision = req_services.intake_start(
        user=service_user,
        form_version=factories.published_version(),
        channel=channel,
        customer=factories.CustomerFactory(),
    )
    assert revision.order.documented_statement is documented


@pytest.fixture
def mapped(engineering):
    """Published: the delivery date, PO number and buyer e-mail are questions."""
    version = factories.OrderFormVersionFactory()
    q = factories.QuestionFactory
    q(version=version, key="part", label="Part", required=True)
    q(
        version=version,
        key="delivery",
        label="Delivery date",
        kind=Question.Kind.DATE,
        maps_to=Question.MapsTo.REQUESTED_DATE,
    )
    q(
        version=version,
        key="po",
        label="PO number",
        maps_to=Question.MapsTo.CUSTOMER_REFERENCE,
    )
    q(
        version=version,
        key="buyer",
        label="Buyer e-mail",
        kind=Question.Kind.EMAIL,
        maps_to=Question.MapsTo.CONTACT_EMAIL,
    )
    return factories.publish_version(version)


@pytest.fixture
def mapped_draft(mapped, service_user):
    return req_services.intake_start(
        user=service_user,
        form_version=mapped,
        channel=Channel.EMAIL,
        customer=factories.CustomerFactory(email="office@acme.example"),
        requested_date=datetime.date(2030, 1, 15),
        customer_reference="PO-1",
    )


def test_a_header_date_typed_at_intake_becomes_the_mapped_answer(mapped_draft):
    assert mapped_draft.answers == {"delivery": "2030-01-15", "po": "PO-1"}
    assert mapped_draft.order.requested_date == datetime.date(2030, 1, 15)


def test_the_draft_header_shows_mapped_fields_from_the_answers_only(
    client, service_user, mapped_draft
):
    order = mapped_draft.order
    client.force_login(service_user)
    url = reverse("orders:order_edit", args=[order.number])
    page = client.get(url).content.decode()
    assert 'name="requested_date"' not in page
    assert 'name="customer_reference"' not in page
    assert "from the answer to “Delivery date”" in page
    response = client.post(
        url,
        {
            "customer": order.customer_id,
            "channel": "email",
            "documented_statement": "yes",
            # A stale header value sent anyway is not a second source.
            "requested_date": "2031-12-31",
            "a-part": "Bracket",
            "a-delivery": "2030-02-20",
            "a-po": "PO-2",
            "a-buyer": "jo@acme.example",
            "save": "1",
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.requested_date == datetime.date(2030, 2, 20)
    assert order.customer_reference == "PO-2"
    assert order.contact_email == "jo@acme.example"
    assert "2030-02-20" in client.get(url).content.decode()


def test_customer_notices_go_to_the_mapped_contact_address(
    service_user, mapped_draft, django_capture_on_commit_callbacks
):
    draft = req_services.revision_answers_save(
        revision=mapped_draft,
        user=service_user,
        answers={**mapped_draft.answers, "part": "Bracket", "buyer": "jo@acme.example"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        req_services.revision_submit(revision=draft, user=service_user)
    notice = OutboundNotice.objects.get(order=draft.order)
    assert notice.to_address == "jo@acme.example"
    assert mail.outbox[0].to == ["jo@acme.example"]


def test_without_a_mapped_answer_notices_go_to_the_customer(
    service_user, mapped_draft, django_capture_on_commit_callbacks
):
    draft = req_services.revision_answers_save(
        revision=mapped_draft, user=service_user, answers={"part": "Bracket"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        req_services.revision_submit(revision=draft, user=service_user)
    assert OutboundNotice.objects.get().to_address == "office@acme.example"
