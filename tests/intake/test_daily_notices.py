"""Issue 14, daily use: a customer created inline or from a catalog request can be
written to, and whoever asks through the catalog gets a reference at once."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from communications.models import OutboundNotice
from orders.models import Channel, Customer, Order, Question
from tests import factories
from tests.intake.conftest import COMPLETE, answer_post

pytestmark = pytest.mark.django_db

NEW_ORDER = reverse("orders:order_new")
CONTACT = {
    "c-name": "Jo Visitor",
    "c-company": "Visit Ltd",
    "c-email": "jo@visit.example",
    "c-phone": "+44 1234",
    "c-reference": "RFQ-9",
}


def catalog_url(slug: str = "machined-parts") -> str:
    return reverse("orders:catalog_request", args=[slug])


def _request_from_the_catalog(intake_version, capture) -> Order:
    with capture(execute=True):
        response = Client().post(catalog_url(), {**CONTACT, **answer_post(COMPLETE)})
    assert response.status_code == 302
    return Order.objects.get()


# --- inline customer on /orders/new/ ------------------------------------------------


def test_the_new_order_page_asks_for_the_contact_e_mail_and_says_why(
    client, service_user, intake_version
):
    client.force_login(service_user)

    page = client.get(NEW_ORDER).content.decode()

    assert 'name="new_customer_email"' in page
    assert "without an e-mail address no notice" in page


def test_a_customer_created_inline_keeps_the_contact_e_mail_and_is_acknowledged(
    client, service_user, intake_version, django_capture_on_commit_callbacks
):
    client.force_login(service_user)
    client.post(
        NEW_ORDER,
        {
            "new_customer_name": "Fresh Co",
            "new_customer_account_code": "FRESH-1",
            "new_customer_contact_name": "Sam Fresh",
            "new_customer_email": "sam@fresh.example",
            "new_customer_phone": "+44 2",
            "channel": Channel.EMAIL,
            "form": intake_version.form.pk,
            "documented_statement": "yes",
        },
    )
    order = Order.objects.get()
    customer = order.customer
    assert (customer.email, customer.contact_name, customer.phone) == (
        "sam@fresh.example",
        "Sam Fresh",
        "+44 2",
    )

    url = reverse("orders:order_edit", args=[order.number])
    data = {
        "customer": customer.pk,
        "channel": Channel.EMAIL,
        "documented_statement": "yes",
        **answer_post(COMPLETE),
        "submit": "1",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)

    notice = OutboundNotice.objects.get(kind="acknowledgement")
    assert notice.status == "sent"
    assert mail.outbox[0].to == ["sam@fresh.example"]
    assert "Dear Sam Fresh" in mail.outbox[0].body


def test_a_bad_contact_e_mail_is_explained_beside_the_field_and_nothing_is_lost(
    client, service_user, intake_version
):
    client.force_login(service_user)
    response = client.post(
        NEW_ORDER,
        {
            "new_customer_name": "Fresh Co",
            "new_customer_account_code": "FRESH-1",
            "new_customer_email": "not an address",
            "channel": Channel.EMAIL,
            "form": intake_version.form.pk,
            "documented_statement": "yes",
        },
    )

    assert response.status_code == 200
    assert "new_customer_email" in response.context["header"].errors
    page = response.content.decode()
    assert 'value="Fresh Co"' in page and 'value="not an address"' in page
    assert not Customer.objects.filter(account_code="FRESH-1").exists()


def test_an_over_long_contact_e_mail_is_explained_beside_the_field(
    client, service_user, intake_version
):
    # The form's EmailField allows 320 characters, the customer's column 254: the
    # model's refusal landed above the form, away from the field.
    client.force_login(service_user)
    address = "a" * 300 + "@example.com"
    response = client.post(
        NEW_ORDER,
        {
            "new_customer_name": "Fresh Co",
            "new_customer_account_code": "FRESH-1",
            "new_customer_email": address,
            "channel": Channel.EMAIL,
            "form": intake_version.form.pk,
            "documented_statement": "yes",
        },
    )

    assert response.status_code == 200
    assert "new_customer_email" in response.context["header"].errors
    assert not response.context["header"].non_field_errors()
    assert f'value="{address}"' in response.content.decode()
    assert not Customer.objects.filter(account_code="FRESH-1").exists()


def test_an_over_long_catalog_e_mail_is_refused_beside_the_field_not_a_500(
    intake_version,
):
    # 320 characters passed the form; the receipt's 254-character column failed.
    address = "a" * 300 + "@example.com"
    contact = {**CONTACT, "c-email": address}

    response = Client().post(catalog_url(), {**contact, **answer_post(COMPLETE)})

    assert response.status_code == 200
    assert "email" in response.context["contact"].errors
    assert f'value="{address}"' in response.content.decode()
    assert not Order.objects.exists()


def test_a_customer_created_without_e_mail_is_warned_about_at_once(
    client, service_user, intake_version
):
    client.force_login(service_user)
    response = client.post(
        NEW_ORDER,
        {
            "new_customer_name": "Quiet Co",
            "new_customer_account_code": "QUIET-1",
            "channel": Channel.PHONE,
            "documented_statement": "no",
            "form": intake_version.form.pk,
        },
        follow=True,
    )

    assert "Quiet Co has no e-mail address" in response.content.decode()


# --- catalog requests -----------------------------------------------------------------


def test_a_catalog_request_shows_its_reference_and_e_mails_a_receipt(
    intake_version, django_capture_on_commit_callbacks
):
    visitor = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(catalog_url(), {**CONTACT, **answer_post(COMPLETE)})
    order = Order.objects.get()

    page = visitor.get(response["Location"]).content.decode()
    assert order.number in page
    receipt = OutboundNotice.objects.get(kind="receipt")
    assert receipt.status == "sent"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["jo@visit.example"]
    assert order.number in mail.outbox[0].subject
    assert order.number in mail.outbox[0].body
    assert "Dear Jo Visitor" in mail.outbox[0].body
    assert "(your reference RFQ-9)" in mail.outbox[0].body


def test_the_thank_you_page_shows_no_reference_to_someone_else(intake_version):
    Client().post(catalog_url(), {**CONTACT, **answer_post(COMPLETE)})
    number = Order.objects.get().number

    page = Client().get(catalog_url() + "?sent=1").content.decode()

    assert "reached us" in page
    assert number not in page


def test_the_customer_form_of_a_catalog_draft_is_filled_from_the_request(
    client, service_user, intake_version, django_capture_on_commit_callbacks
):
    order = _request_from_the_catalog(
        intake_version, django_capture_on_commit_callbacks
    )
    client.force_login(service_user)

    response = client.get(reverse("orders:order_edit", args=[order.number]))

    header = response.context["header"]
    assert header["new_customer_name"].value() == "Visit Ltd"
    assert header["new_customer_contact_name"].value() == "Jo Visitor"
    assert header["new_customer_email"].value() == "jo@visit.example"
    assert header["new_customer_phone"].value() == "+44 1234"


def test_a_customer_created_from_a_catalog_request_keeps_the_requesters_contact(
    client, service_user, intake_version, django_capture_on_commit_callbacks
):
    order = _request_from_the_catalog(
        intake_version, django_capture_on_commit_callbacks
    )
    mail.outbox.clear()
    client.force_login(service_user)
    url = reverse("orders:order_edit", args=[order.number])
    data = {
        "new_customer_name": "Visit Ltd",
        "new_customer_account_code": "VISIT-1",
        "new_customer_contact_name": "Jo Visitor",
        "new_customer_email": "jo@visit.example",
        "new_customer_phone": "+44 1234",
        "channel": Channel.WEB_PORTAL,
        "customer_reference": "RFQ-9",
        "documented_statement": "yes",
        **answer_post(COMPLETE),
        "submit": "1",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302
    order.refresh_from_db()
    assert not order.customer_to_confirm
    assert order.customer.email == "jo@visit.example"
    assert order.customer.contact_name == "Jo Visitor"
    assert order.customer.phone == "+44 1234"
    assert mail.outbox[0].to == ["jo@visit.example"]
    detail = client.get(order.get_absolute_url()).content.decode()
    assert "Catalog request" in detail
    assert "jo@visit.example" in detail


def test_choosing_an_existing_customer_for_a_catalog_draft_ignores_the_prefill(
    client, service_user, intake_version, customer, django_capture_on_commit_callbacks
):
    order = _request_from_the_catalog(
        intake_version, django_capture_on_commit_callbacks
    )
    client.force_login(service_user)
    url = reverse("orders:order_edit", args=[order.number])
    data = {
        "customer": customer.pk,
        "new_customer_name": "Visit Ltd",
        "new_customer_email": "jo@visit.example",
        "channel": Channel.WEB_PORTAL,
        "documented_statement": "yes",
        **answer_post(COMPLETE),
        "save": "1",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.customer == customer
    assert not Customer.objects.filter(name="Visit Ltd").exists()


def test_a_catalog_reference_survives_a_form_that_maps_the_reference_to_a_question(
    intake_version, engineering
):
    # The form asks for the purchase order number as the header's customer
    # reference; the visitor gave theirs beside their name and left the question
    # empty. The reference must stay on the order, not be blanked by the question.
    draft = factories.OrderFormVersionFactory(form=intake_version.form, number=99)
    for question in intake_version.questions.all():
        question.pk = None
        question.version = draft
        question.save()
    factories.QuestionFactory(
        version=draft,
        key="purchase_order",
        label="Purchase order number",
        maps_to=Question.MapsTo.CUSTOMER_REFERENCE,
        position=99,
        discipline=engineering,
    )
    intake_version.status = "retired"
    intake_version.save()
    factories.publish_version(draft)

    response = Client().post(catalog_url(), {**CONTACT, **answer_post(COMPLETE)})

    assert response.status_code == 302
    order = Order.objects.get()
    assert order.customer_reference == "RFQ-9"
    requirement = order.revisions.get().answers
    assert requirement["purchase_order"] == "RFQ-9"
