"""The public catalog and its management; notice templates; the outbound queue."""

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from communications.models import NoticeTemplate, Offering, OutboundNotice
from tests import factories
from tests.communications import urlconfs

pytestmark = pytest.mark.django_db

CATALOG = reverse("communications:catalog")
OFFERINGS = reverse("communications:offering_list")
NEW_OFFERING = reverse("communications:offering_create")
QUEUE = reverse("communications:notice_list")
TEMPLATES = reverse("communications:template_list")


def template_url(kind):
    return reverse("communications:template_edit", args=[kind])


# --- catalog ----------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 30])
def test_the_public_catalog_lists_active_offerings_without_login(
    client, rows, django_assert_num_queries
):
    factories.OfferingFactory.create_batch(rows, description="Turned parts")
    factories.OfferingFactory(name="Retired service", active=False)
    inactive_form = factories.OrderFormFactory(active=False)
    factories.OfferingFactory(name="Form withdrawn", order_form=inactive_form)

    # the active offerings with their order forms; their applicable regulations;
    # the approved, valid claims (no session: anonymous).
    with django_assert_num_queries(3):
        response = client.get(CATALOG)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("Turned parts") == rows
    assert "Retired service" not in page
    assert "Form withdrawn" not in page


def test_the_catalog_links_each_offering_to_its_order_form():
    from communications.templatetags.communications_tags import offering_request_url

    offering = factories.OfferingFactory(order_form__slug="machined-parts")

    with override_settings(ROOT_URLCONF=urlconfs.WithOrders):
        assert offering_request_url(offering) == "/orders/catalog/machined-parts/"


def test_the_catalog_shows_no_link_rather_than_crash_before_the_intake_page(client):
    from communications.templatetags.communications_tags import offering_request_url

    offering = factories.OfferingFactory(name="Sheet metal")

    with override_settings(ROOT_URLCONF=urlconfs.WithoutOrders):
        assert offering_request_url(offering) == ""
    assert "Sheet metal" in client.get(CATALOG).content.decode()


def test_the_catalog_by_post_is_refused(client):
    assert client.post(CATALOG).status_code == 405


def test_a_form_admin_adds_an_offering(client, form_admin):
    form = factories.OrderFormFactory()
    client.force_login(form_admin)

    response = client.post(
        NEW_OFFERING,
        {
            "name": "Sheet metal",
            "description": "Laser cut and bent.",
            "order_form": form.pk,
            "active": "on",
            "position": 3,
        },
    )

    assert response.status_code == 302
    offering = Offering.objects.get()
    assert (offering.name, offering.order_form, offering.active) == (
        "Sheet metal",
        form,
        True,
    )
    assert offering.history.get().history_user == form_admin
    assert "Sheet metal" in client.get(CATALOG).content.decode()


def test_a_form_admin_edits_and_hides_an_offering(client, form_admin):
    offering = factories.OfferingFactory(name="Old name")
    client.force_login(form_admin)
    url = reverse("communications:offering_edit", args=[offering.pk])

    client.post(
        url,
        {
            "name": "New name",
            "description": "",
            "order_form": offering.order_form.pk,
            "position": 0,
        },
    )

    offering.refresh_from_db()
    assert offering.name == "New name"
    assert not offering.active
    assert list(client.get(CATALOG).context["offerings"]) == []


def test_an_active_offering_needs_an_active_form(client, form_admin):
    form = factories.OrderFormFactory(active=False)
    client.force_login(form_admin)

    response = client.post(
        NEW_OFFERING,
        {
            "name": "X",
            "description": "",
            "order_form": form.pk,
            "active": "on",
            "position": 0,
        },
    )

    assert response.status_code == 200
    assert "This order form is inactive" in response.content.decode()
    assert Offering.objects.count() == 0


def test_a_missing_name_is_explained_beside_the_field(client, form_admin):
    form = factories.OrderFormFactory()
    client.force_login(form_admin)

    response = client.post(
        NEW_OFFERING,
        {"name": "", "description": "Kept text", "order_form": form.pk, "position": 0},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert "Kept text" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 30])
def test_the_offering_list_runs_a_constant_number_of_queries(
    client, form_admin, rows, django_assert_num_queries
):
    factories.OfferingFactory.create_batch(rows)
    client.force_login(form_admin)

    # session, user, groups, the offerings with their order forms.
    with django_assert_num_queries(4):
        response = client.get(OFFERINGS)

    assert len(response.context["offerings"]) == rows


def test_offerings_are_managed_by_form_admins_only(
    client, service_user, auditor, form_admin
):
    offering = factories.OfferingFactory()
    edit = reverse("communications:offering_edit", args=[offering.pk])

    assert client.get(OFFERINGS).status_code == 302
    client.force_login(service_user)
    assert client.get(OFFERINGS).status_code == 403
    assert client.get(NEW_OFFERING).status_code == 403
    client.force_login(auditor)
    assert client.get(OFFERINGS).status_code == 200
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"name": "Hijacked"}).status_code == 403
    client.force_login(form_admin)
    assert client.delete(edit).status_code == 405
    assert client.post(OFFERINGS).status_code == 405
    missing = reverse("communications:offering_edit", args=[999999])
    assert client.get(missing).status_code == 404
    offering.refresh_from_db()
    assert offering.name != "Hijacked"


# --- notice templates -------------------------------------------------------------


def test_a_form_admin_previews_a_template_without_saving_it(client, form_admin):
    client.force_login(form_admin)

    response = client.post(
        template_url("acknowledgement"),
        {
            "subject": "Got {{ order_number }}",
            "body": "Hi {{ contact_name }}",
            "preview": "1",
        },
    )

    assert response.status_code == 200
    assert response.context["preview"] == {
        "subject": "Got SO-2026-000042",
        "body": "Hi Jo Buyer",
    }
    template = NoticeTemplate.objects.get(kind="acknowledgement")
    assert template.subject.startswith("We have received")


def test_a_form_admin_saves_a_template(client, form_admin):
    client.force_login(form_admin)

    response = client.post(
        template_url("rejection"),
        {"subject": "Sorry: {{ order_number }}", "body": "{{ reasons }}", "save": "1"},
    )

    assert response.status_code == 302
    template = NoticeTemplate.objects.get(kind="rejection")
    assert template.subject == "Sorry: {{ order_number }}"
    assert template.updated_by == form_admin
    assert template.history.filter(history_user=form_admin).exists()


def test_a_broken_template_is_refused_beside_the_field_with_the_text_kept(
    client, form_admin
):
    client.force_login(form_admin)

    response = client.post(
        template_url("acceptance"),
        {"subject": "Fine", "body": "{% for r in requirements %}unclosed", "save": "1"},
    )

    assert response.status_code == 200
    assert "The template has an error" in response.context["form"].errors["body"][0]
    assert "unclosed" in response.content.decode()
    assert NoticeTemplate.objects.get(kind="acceptance").subject != "Fine"


def test_the_template_page_shows_a_preview_of_the_saved_text(client, auditor):
    client.force_login(auditor)

    response = client.get(template_url("acceptance"))

    assert response.status_code == 200
    assert response.context["preview"]["subject"] == "Order SO-2026-000042 accepted"
    assert "Stainless steel 316L" in response.context["preview"]["body"]
    assert 'name="save"' not in response.content.decode()  # auditors only read


def test_notice_templates_are_edited_by_form_admins_only(
    client, service_user, auditor, form_admin
):
    url = template_url("acknowledgement")
    data = {"subject": "Hacked", "body": "x", "save": "1"}

    assert client.get(TEMPLATES).status_code == 302
    client.force_login(service_user)
    assert client.get(TEMPLATES).status_code == 403
    assert client.post(url, data).status_code == 403
    client.force_login(auditor)
    assert client.get(TEMPLATES).status_code == 200
    assert client.post(url, data).status_code == 403
    client.force_login(form_admin)
    assert client.put(url).status_code == 405
    assert client.get(template_url("no-such-kind")).status_code == 404
    assert "Hacked" not in NoticeTemplate.objects.values_list("subject", flat=True)


def test_the_template_list_shows_all_four_kinds(client, form_admin):
    client.force_login(form_admin)

    page = client.get(TEMPLATES).content.decode()

    for label in ("Order acknowledgement", "Acceptance", "Rejection", "Change notice"):
        assert label in page


# --- the outbound queue -----------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 50])
def test_the_queue_lists_notices_with_errors_in_constant_queries(
    client, service_user, rows, django_assert_num_queries
):
    order = factories.OrderFactory()
    factories.OutboundNoticeFactory.create_batch(
        rows,
        order=order,
        status="failed",
        attempts=5,
        last_error="SMTPConnectError: mail server down",
    )
    client.force_login(service_user)

    # session, user, groups, one page of notices with order and customer joined.
    with django_assert_num_queries(4):
        response = client.get(QUEUE)

    page = response.content.decode()
    assert page.count("SMTPConnectError: mail server down") == rows
    assert page.count("Retry now") == rows


def test_the_queue_filters_by_status(client, auditor):
    failed = factories.OutboundNoticeFactory(status="failed", last_error="boom")
    factories.OutboundNoticeFactory(status="cancelled")
    client.force_login(auditor)

    response = client.get(QUEUE, {"status": "failed"})

    assert response.context["page"]["rows"] == [failed]
    assert "Retry now" not in response.content.decode()  # auditors only read


def test_retry_now_from_the_queue_sends_the_notice(
    client, service_user, django_capture_on_commit_callbacks
):
    notice = factories.OutboundNoticeFactory(
        status="failed", attempts=5, last_error="SMTPConnectError: down"
    )
    client.force_login(service_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("communications:notice_retry", args=[notice.pk]), {"next": QUEUE}
        )

    assert response.status_code == 302
    assert response["Location"] == QUEUE
    notice.refresh_from_db()
    assert notice.status == "sent"
    assert notice.communication.kind == "order_acknowledgement"
    assert mail.outbox[0].to == [notice.to_address]


def test_retry_without_an_address_explains_what_to_do(client, service_user):
    notice = factories.OutboundNoticeFactory(
        order__customer__email="", to_address="", status="failed"
    )
    client.force_login(service_user)

    response = client.post(
        reverse("communications:notice_retry", args=[notice.pk]), follow=True
    )

    assert "add one to the customer first" in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == "failed"


def test_cancel_asks_for_confirmation_and_stops_the_notice(client, service_user):
    notice = factories.OutboundNoticeFactory(status="queued")
    client.force_login(service_user)

    detail = client.get(notice.get_absolute_url()).content.decode()
    assert 'data-confirm="Cancel this notice? It will not be sent."' in detail

    client.post(reverse("communications:notice_cancel", args=[notice.pk]))

    notice.refresh_from_db()
    assert notice.status == "cancelled"
    assert notice.cancelled_by == service_user
    assert "Retry now" not in client.get(notice.get_absolute_url()).content.decode()


def test_the_queue_actions_need_customer_service_and_post(
    client, service_user, auditor, reviewer
):
    notice = factories.OutboundNoticeFactory(status="failed")
    retry = reverse("communications:notice_retry", args=[notice.pk])
    cancel = reverse("communications:notice_cancel", args=[notice.pk])

    assert client.post(cancel).status_code == 302
    assert client.get(QUEUE).status_code == 302
    client.force_login(auditor)
    assert client.post(retry).status_code == 403
    assert client.post(cancel).status_code == 403
    assert client.get(notice.get_absolute_url()).status_code == 200
    client.force_login(reviewer)
    assert client.get(QUEUE).status_code == 403
    assert client.get(notice.get_absolute_url()).status_code == 403
    client.force_login(service_user)
    assert client.get(cancel).status_code == 405
    assert client.post(QUEUE).status_code == 405
    missing = reverse("communications:notice_cancel", args=[999999])
    assert client.post(missing).status_code == 404
    notice.refresh_from_db()
    assert notice.status == "failed"


def test_a_sent_notice_links_to_its_logged_communication(
    client, service_user, django_capture_on_commit_callbacks
):
    notice = factories.OutboundNoticeFactory()
    from communications.outbound import notice_send

    notice_send(notice_id=notice.pk, expected_attempts=0)
    notice.refresh_from_db()
    client.force_login(service_user)

    page = client.get(notice.get_absolute_url()).content.decode()

    assert notice.communication.get_absolute_url() in page
    assert OutboundNotice.objects.get().status == "sent"


def test_the_notice_page_runs_a_constant_number_of_queries(
    client, service_user, django_assert_num_queries
):
    notice = factories.OutboundNoticeFactory(status="failed", last_error="down")
    client.force_login(service_user)

    # session, user, groups, the notice with order, customer, log entry, canceller.
    with django_assert_num_queries(4):
        response = client.get(notice.get_absolute_url())

    assert "down" in response.content.decode()
