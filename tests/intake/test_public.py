import datetime
import re
import uuid

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orders import services
from orders.models import Channel, Order, PortalLink
from requirements import services as req_services
from requirements.models import Requirement, RequirementSet
from tests import factories
from tests.intake.conftest import COMPLETE, answer_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(draft, service_user):
    link, token = services.portal_link_create(order=draft.order, user=service_user)
    return link, token


def portal_url(token: str) -> str:
    return reverse("orders:portal", args=[token])


# --- portal links (staff side) -----------------------------------------------------


def test_staff_create_a_link_shown_once_and_revoke_it(client, service_user, draft):
    client.force_login(service_user)
    url = reverse("orders:portal_link", args=[draft.order.number])
    response = client.post(url, {"action": "create"})
    # Post-redirect-get: a reload cannot create a second link.
    assert response.status_code == 302
    new_url = client.get(url).context["new_url"]
    token = new_url.rstrip("/").rsplit("/", 1)[-1]
    link = PortalLink.objects.get()
    assert link.token_hash == services.token_hash(token)
    assert token not in client.get(url).content.decode()
    response = client.post(url, {"action": "revoke", "link": link.pk})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_by == service_user
    assert Client().get(portal_url(token)).status_code == 410


def test_staff_cannot_revoke_another_orders_link(client, service_user, draft, link):
    other = factories.OrderFactory(form_version=draft.order.form_version)
    client.force_login(service_user)
    url = reverse("orders:portal_link", args=[other.number])
    response = client.post(url, {"action": "revoke", "link": link[0].pk})
    assert response.status_code == 404
    link[0].refresh_from_db()
    assert link[0].revoked_at is None


def test_portal_link_page_permissions(client, draft, auditor, no_role_user):
    url = reverse("orders:portal_link", args=[draft.order.number])
    assert client.get(url).status_code == 302
    for user in (auditor, no_role_user):
        client.force_login(user)
        assert client.get(url).status_code == 403
    assert client.put(url).status_code == 405


# --- the customer's side -------------------------------------------------------------


def test_a_token_opens_its_own_order_only(client, link, intake_version, service_user):
    other = req_services.intake_start(
        user=service_user,
        form_version=intake_version,
        channel=Channel.EMAIL,
        customer=factories.CustomerFactory(name="Other Customer Ltd"),
        answers={"part_number": "SECRET-PART"},
    )
    _, token = link
    page = client.get(portal_url(token)).content.decode()
    assert link[0].order.number in page
    assert other.order.number not in page
    assert "SECRET-PART" not in page
    assert "AX-100" in page
    # a made-up or altered token opens nothing
    assert client.get(portal_url(token[:-1] + "x")).status_code == 404
    assert client.get(portal_url(uuid.uuid4().hex)).status_code == 404


def test_expired_and_revoked_links_are_refused(client, link, service_user):
    portal_link, token = link
    with time_machine.travel(portal_link.expires_at + datetime.timedelta(seconds=1)):
        response = client.get(portal_url(token))
    assert response.status_code == 410
    assert "no longer valid" in response.content.decode()
    assert client.get(portal_url(token)).status_code == 200
    services.portal_link_revoke(link=portal_link, user=service_user)
    response = client.post(portal_url(token), answer_post(COMPLETE, submit=""))
    assert response.status_code == 410
    assert Order.objects.get().status == Order.Status.DRAFT


def test_customer_saves_then_submits_through_the_portal(client, link):
    portal_link, token = link
    url = portal_url(token)
    typed = {"part_number": "CUST-9", "quantity": "many"}
    response = client.post(url, answer_post(typed, save=""))
    assert response.status_code == 200
    assert "quantity" in response.context["answer_form"].errors
    revision = RequirementSet.objects.get()
    assert revision.answers == typed
    response = client.post(url, answer_post({**COMPLETE, "quantity": 40}, submit=""))
    assert response.status_code == 302
    revision.refresh_from_db()
    order = revision.order
    assert revision.state == RequirementSet.State.SUBMITTED
    assert revision.submitted_by is None
    assert order.status == Order.Status.AWAITING_REVIEW
    assert revision.requirements.get(key="quantity").value == 40
    assert {r.source for r in revision.requirements.all()} == {
        Requirement.Source.PORTAL
    }
    portal_link.refresh_from_db()
    assert portal_link.used_at is not None
    # afterwards the link only thanks them; it cannot change the order
    response = client.post(url, answer_post({**COMPLETE, "quantity": 1}, submit=""))
    assert "is with us" in response.content.decode()
    assert revision.requirements.get(key="quantity").value == 40


def test_portal_requires_csrf(link):
    _, token = link
    client = Client(enforce_csrf_checks=True)
    response = client.post(portal_url(token), answer_post(COMPLETE, submit=""))
    assert response.status_code == 403
    assert Order.objects.get().status == Order.Status.DRAFT


def test_portal_refuses_uploads_of_types_the_public_may_not_send(
    client, link, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    _, token = link
    data = answer_post(COMPLETE, submit="")
    # the question itself limits the drawing to PDF
    data["a-drawing"] = SimpleUploadedFile("tool.exe", b"MZ", "application/pdf")
    response = client.post(portal_url(token), data)
    assert response.status_code == 200
    assert response.context["answer_form"].errors["drawing"]
    assert Order.objects.get().status == Order.Status.DRAFT
    assert not list(tmp_path.rglob("*.exe"))


# --- catalog requests -----------------------------------------------------------------


def catalog_url(slug: str = "machined-parts") -> str:
    return reverse("orders:catalog_request", args=[slug])


CONTACT = {
    "c-name": "Jo Visitor",
    "c-company": "Visit Ltd",
    "c-email": "jo@visit.example",
    "c-phone": "+44 1",
}


def test_a_visitor_requests_an_order_from_the_catalog(client, intake_version):
    assert client.get(catalog_url()).status_code == 200
    response = client.post(catalog_url(), {**CONTACT, **answer_post(COMPLETE)})
    assert response.status_code == 302
    assert response["Location"] == catalog_url() + "?sent=1"
    order = Order.objects.get()
    assert order.status == Order.Status.DRAFT
    assert order.channel == Channel.WEB_PORTAL
    assert order.customer_to_confirm
    assert order.contact_details["company"] == "Visit Ltd"
    assert order.revisions.get().answers["part_number"] == "AX-100"
    assert "reached us" in client.get(response["Location"]).content.decode()


def test_catalog_request_errors_keep_what_was_typed(client, intake_version):
    response = client.post(
        catalog_url(),
        {**CONTACT, "c-email": "not-an-email", **answer_post({"part_number": "KEEP"})},
    )
    assert response.status_code == 200
    assert "email" in response.context["contact"].errors
    assert "quantity" in response.context["answer_form"].errors
    page = response.content.decode()
    assert 'value="KEEP"' in page and 'value="Jo Visitor"' in page
    assert not Order.objects.exists()


def test_catalog_request_errors_keep_a_chosen_file_for_the_corrected_request(
    client, intake_version, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    page = client.get(catalog_url()).content.decode()
    token = re.search(r'name="submission_token" value="([^"]+)"', page)[1]
    data = {**CONTACT, **answer_post(COMPLETE), "submission_token": token}
    drawing = SimpleUploadedFile("part.pdf", b"%PDF-1.4 drawing")
    response = client.post(
        catalog_url(), {**data, "a-quantity": "", "a-drawing": drawing}
    )
    assert response.status_code == 200
    assert "quantity" in response.context["answer_form"].errors
    assert "Stored: part.pdf" in response.content.decode()
    assert not Order.objects.exists()
    assert client.post(catalog_url(), data).status_code == 302
    stored = Order.objects.get().revisions.get().answers["drawing"]
    assert stored["name"] == "part.pdf"
    assert (tmp_path / stored["path"]).read_bytes() == b"%PDF-1.4 drawing"


def test_catalog_only_offers_active_published_forms(client, intake_version):
    assert client.get(catalog_url("no-such-form")).status_code == 404
    draft_only = factories.OrderFormVersionFactory()
    assert client.get(catalog_url(draft_only.form.slug)).status_code == 404
    form = intake_version.form
    form.active = False
    form.save()
    assert client.get(catalog_url()).status_code == 404


def test_catalog_requires_csrf(intake_version):
    client = Client(enforce_csrf_checks=True)
    response = client.post(catalog_url(), {**CONTACT, **answer_post(COMPLETE)})
    assert response.status_code == 403
    assert not Order.objects.exists()


def test_catalog_uploads_are_limited_by_size(
    client, intake_version, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.PUBLIC_UPLOAD_MAX_KB = 1
    data = {**CONTACT, **answer_post(COMPLETE)}
    data["a-drawing"] = SimpleUploadedFile("big.pdf", b"%PDF" + b"x" * 2048)
    response = client.post(catalog_url(), data)
    assert response.status_code == 200
    assert "larger than" in str(response.context["answer_form"].errors["drawing"])
    assert not Order.objects.exists()


def test_public_pages_refuse_oversized_bodies(client, intake_version, settings):
    settings.PUBLIC_REQUEST_MAX_KB = 1
    data = {**CONTACT, **answer_post({**COMPLETE, "notes": "x" * 4096})}
    response = client.post(catalog_url(), data)
    assert response.status_code == 413
    assert not Order.objects.exists()


def test_public_pages_are_rate_limited_per_address(client, intake_version, settings):
    settings.PUBLIC_RATE_LIMIT = 3
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"
    for _ in range(3):
        assert client.get(catalog_url(), REMOTE_ADDR=address).status_code == 200
    response = client.get(catalog_url(), REMOTE_ADDR=address)
    assert response.status_code == 429
    assert response["Retry-After"]
    response = client.post(
        catalog_url(), {**CONTACT, **answer_post(COMPLETE)}, REMOTE_ADDR=address
    )
    assert response.status_code == 429
    assert not Order.objects.exists()
    # another address is not affected
    assert client.get(catalog_url(), REMOTE_ADDR="10.0.0.1").status_code == 200


def test_staff_confirm_the_customer_of_a_catalog_request_then_submit(
    client, service_user, intake_version, customer
):
    Client().post(catalog_url(), {**CONTACT, **answer_post(COMPLETE)})
    order = Order.objects.get()
    client.force_login(service_user)
    url = reverse("orders:order_edit", args=[order.number])
    page = client.get(url).content.decode()
    assert "confirm the customer" in page and "jo@visit.example" in page
    data = {
        "channel": Channel.WEB_PORTAL,
        "documented_statement": "yes",
        **answer_post(COMPLETE),
        "submit": "",
    }
    response = client.post(url, data)  # no customer chosen yet
    assert response.status_code == 200
    assert "customer" in response.context["header"].errors
    response = client.post(url, {**data, "customer": customer.pk})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.customer == customer
    assert not order.customer_to_confirm
    assert order.status == Order.Status.AWAITING_REVIEW
    assert timezone.now() - order.submitted_at < datetime.timedelta(minutes=1)


def test_public_uploads_are_limited_to_listed_types_even_if_the_question_allows_any(
    client, engineering, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    version = factories.OrderFormVersionFactory(
        form=factories.OrderFormFactory(slug="any-file")
    )
    factories.QuestionFactory(
        version=version, key="attachment", label="Attachment", kind="file"
    )
    factories.publish_version(version)
    data = {**CONTACT, "a-attachment": SimpleUploadedFile("tool.exe", b"MZ")}
    response = client.post(catalog_url("any-file"), data)
    assert response.status_code == 200
    assert "not accepted here" in str(response.context["answer_form"].errors)
    assert not Order.objects.exists()
    data = {**CONTACT, "a-attachment": SimpleUploadedFile("spec.pdf", b"%PDF")}
    assert client.post(catalog_url("any-file"), data).status_code == 302
    stored = Order.objects.get().revisions.get().answers["attachment"]
    assert stored["name"] == "spec.pdf"


def test_public_pages_refuse_other_methods(client, link, intake_version):
    _, token = link
    assert client.put(portal_url(token)).status_code == 405
    assert client.delete(catalog_url()).status_code == 405
