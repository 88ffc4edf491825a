"""Issue 14, daily use: notices that cannot be sent are seen, retries send today's
text, and the communications pages read as a person would say them."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from communications import outbound, services
from communications.models import OutboundNotice
from orderreview import events
from orders.services import customer_update
from tests import factories
from tests.communications.conftest import make_decision, make_review

pytestmark = pytest.mark.django_db

NO_ADDRESS = "The customer has no e-mail address."


def submit(revision, capture):
    with capture(execute=True), transaction.atomic():
        events.revision_submitted.send(sender=None, revision=revision)


@pytest.fixture
def unsendable(db, engineering, django_capture_on_commit_callbacks):
    """An acknowledgement that failed: the customer was created without an e-mail."""
    customer = factories.CustomerFactory(name="Quiet Co", contact_name="", email="")
    order = factories.OrderFactory(customer=customer)
    revision = factories.RequirementSetFactory(order=order, state="submitted")
    submit(revision, django_capture_on_commit_callbacks)
    notice = OutboundNotice.objects.get()
    assert notice.status == "failed" and notice.last_error == NO_ADDRESS
    return notice


# --- a notice that cannot be sent is seen --------------------------------------------


def test_the_order_page_warns_of_a_notice_that_could_not_be_sent(
    client, service_user, unsendable
):
    client.force_login(service_user)

    page = client.get(unsendable.order.get_absolute_url()).content.decode()

    assert "Not sent to the customer" in page
    assert NO_ADDRESS in page
    assert reverse("orders:customer_edit", args=[unsendable.customer_id]) in page
    assert reverse("communications:notice_retry", args=[unsendable.pk]) in page


def test_auditors_see_the_warning_without_the_buttons(client, auditor, unsendable):
    client.force_login(auditor)

    page = client.get(unsendable.order.get_absolute_url()).content.decode()

    assert "Not sent to the customer" in page
    assert reverse("communications:notice_retry", args=[unsendable.pk]) not in page


def test_an_order_whose_notices_went_out_shows_no_warning(client, service_user):
    notice = factories.OutboundNoticeFactory(status="queued")
    client.force_login(service_user)

    page = client.get(notice.order.get_absolute_url()).content.decode()

    assert "Not sent to the customer" not in page


def test_customer_service_home_lists_notices_that_could_not_be_sent(
    client, service_user, unsendable
):
    client.force_login(service_user)

    page = client.get(reverse("home")).content.decode()

    assert "Notices that could not be sent" in page
    assert unsendable.order.number in page
    assert NO_ADDRESS in page


def test_retry_from_the_order_page_returns_to_it_and_never_elsewhere(
    client, service_user, unsendable, django_capture_on_commit_callbacks
):
    customer_update(
        customer=unsendable.customer,
        user=service_user,
        data={"email": "quiet@quiet.example"},
    )
    client.force_login(service_user)
    url = reverse("communications:notice_retry", args=[unsendable.pk])
    order_page = unsendable.order.get_absolute_url()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"next": order_page})

    assert response["Location"] == order_page
    unsendable.refresh_from_db()
    assert unsendable.status == "sent"
    other = factories.OutboundNoticeFactory(status="failed")
    response = client.post(
        reverse("communications:notice_retry", args=[other.pk]),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == other.get_absolute_url()


# --- retries render again -------------------------------------------------------------


def test_retry_renders_again_for_the_fixed_customer_and_keeps_the_attempt(
    client, service_user, unsendable, django_capture_on_commit_callbacks
):
    first_body = unsendable.body
    assert "Dear Quiet Co" in first_body
    customer_update(
        customer=unsendable.customer,
        user=service_user,
        data={"email": "sam@quiet.example", "contact_name": "Sam Quiet"},
    )
    client.force_login(service_user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("communications:notice_retry", args=[unsendable.pk]))

    unsendable.refresh_from_db()
    assert unsendable.status == "sent"
    # (Customer service was e-mailed when the first attempt failed: staffmail.)
    [to_customer] = [m for m in mail.outbox if m.to == ["sam@quiet.example"]]
    assert "Dear Sam Quiet" in to_customer.body
    assert "Dear Sam Quiet" in unsendable.communication.body
    [earlier] = unsendable.earlier_attempts
    assert earlier["body"] == first_body
    assert earlier["to_address"] == ""
    assert earlier["error"] == NO_ADDRESS
    page = client.get(unsendable.get_absolute_url()).content.decode()
    assert "Earlier attempts" in page
    assert "Dear Quiet Co" in page and "Dear Sam Quiet" in page


def test_retry_uses_the_template_as_it_is_now(
    service_user, form_admin, unsendable, django_capture_on_commit_callbacks
):
    customer_update(
        customer=unsendable.customer,
        user=service_user,
        data={"email": "sam@quiet.example"},
    )
    template = services.notice_template_for("acknowledgement")
    template.save()
    services.notice_template_save(
        template=template,
        subject="Received: {{ order_number }}",
        body="Hello {{ customer_name }}, we have {{ order_number }}.",
        user=form_admin,
    )

    with django_capture_on_commit_callbacks(execute=True):
        outbound.notice_retry(notice=unsendable, user=service_user)

    number = unsendable.order.number
    [to_customer] = [m for m in mail.outbox if m.to == ["sam@quiet.example"]]
    assert to_customer.subject == f"Received: {number}"
    assert to_customer.body == f"Hello Quiet Co, we have {number}."


def test_a_decision_notice_keeps_its_requirements_when_rendered_again(
    approver, service_user, engineering, django_capture_on_commit_callbacks
):
    customer = factories.CustomerFactory(name="Quiet Co", email="")
    order = factories.OrderFactory(customer=customer)
    revision = factories.RequirementSetFactory(order=order, state="submitted")
    factories.RequirementFactory(
        requirement_set=revision, statement="Material", value="Stainless 316L"
    )
    review = make_review(revision)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.review_decided.send(
            sender=None,
            review=review,
            decision=make_decision(review, approver, outcome="accept"),
        )
    notice = OutboundNotice.objects.get(kind="acceptance")
    assert notice.status == "failed"
    customer_update(customer=customer, user=service_user, data={"email": "q@q.example"})

    with django_capture_on_commit_callbacks(execute=True):
        outbound.notice_retry(notice=notice, user=service_user)

    [to_customer] = [m for m in mail.outbox if m.to == ["q@q.example"]]
    assert "- Material: Stainless 316L" in to_customer.body


# --- the change notice ends its sentence once -----------------------------------------


def test_a_change_reason_typed_as_a_sentence_ends_with_one_full_stop(
    order, approver, engineering, django_capture_on_commit_callbacks
):
    change = factories.RequirementSetFactory(
        order=order, number=2, state="submitted", reason="Quantity raised to 300. "
    )
    factories.RequirementFactory(requirement_set=change)
    review = make_review(change)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.review_decided.send(
            sender=None,
            review=review,
            decision=make_decision(review, approver, outcome="accept"),
        )

    body = mail.outbox[0].body
    assert "(revision 2): Quantity raised to 300.\n" in body
    assert ".." not in body


# --- notice template pages ------------------------------------------------------------


def test_the_template_preview_keeps_the_e_mails_line_breaks_and_escapes_text(
    client, form_admin
):
    client.force_login(form_admin)
    url = reverse("communications:template_edit", args=["acknowledgement"])

    response = client.post(
        url,
        {
            "subject": "Hello",
            "body": "First line <b>bold</b>\nSecond line\n\nNew paragraph",
            "preview": "1",
        },
    )

    page = response.content.decode()
    assert "First line &lt;b&gt;bold&lt;/b&gt;<br>Second line" in page
    assert "<p>New paragraph</p>" in page
    assert "<b>bold</b>" not in page


def test_the_saved_templates_preview_shown_to_auditors_is_escaped(
    client, form_admin, auditor
):
    template = services.notice_template_for("acknowledgement")
    template.save()
    services.notice_template_save(
        template=template,
        subject="<i>Received</i> {{ order_number }}",
        body="<script>alert(1)</script>\nfor {{ customer_name }}",
        user=form_admin,
    )
    client.force_login(auditor)

    page = client.get(
        reverse("communications:template_edit", args=["acknowledgement"])
    ).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "<i>Received</i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>for Acme Precision Ltd" in page


def test_auditors_read_notice_templates_as_text_not_inputs(client, auditor):
    client.force_login(auditor)

    page = client.get(
        reverse("communications:template_edit", args=["acknowledgement"])
    ).content.decode()

    assert "<textarea" not in page
    assert 'name="subject"' not in page
    assert "We have received your order {{ order_number }}" in page
    assert "Read only" in page


def test_form_admins_still_edit_notice_templates(client, form_admin):
    client.force_login(form_admin)

    page = client.get(
        reverse("communications:template_edit", args=["acknowledgement"])
    ).content.decode()

    assert "<textarea" in page and 'name="save"' in page


# --- communication pages --------------------------------------------------------------


def test_a_new_complaint_reads_open_received_just_now(client, service_user):
    complaint = factories.CommunicationFactory(kind="complaint")
    client.force_login(service_user)

    page = client.get(complaint.get_absolute_url()).content.decode()

    assert "open for" not in page
    assert "received just now" in page


def test_an_older_complaint_says_how_long_ago_it_was_received(client, service_user):
    complaint = factories.CommunicationFactory(
        kind="complaint", occurred_at=timezone.now() - timedelta(days=3, hours=2)
    )
    client.force_login(service_user)

    page = client.get(complaint.get_absolute_url()).content.decode()

    assert "received 3\xa0days ago" in page


@pytest.mark.parametrize("viewer", ["service_user", "auditor"])
def test_a_communication_links_to_its_customer_and_order(client, viewer, request):
    order = factories.OrderFactory()
    communication = factories.CommunicationFactory(customer=order.customer, order=order)
    client.force_login(request.getfixturevalue(viewer))

    page = client.get(communication.get_absolute_url()).content.decode()

    assert f'href="{communication.customer.get_absolute_url()}"' in page
    assert f'href="{communication.order.get_absolute_url()}"' in page
