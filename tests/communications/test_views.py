"""The communication log pages: record, list, filter, follow up, attachments."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from communications import selectors
from communications.models import Communication, CommunicationAttachment
from pages import selectors as page_selectors
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("communications:communication_list")
CREATE = reverse("communications:communication_create")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def login(client, user):
    client.force_login(user)
    return client


def create_data(customer, **overrides):
    data = {
        "customer": customer.pk,
        "order": "",
        "direction": "in",
        "channel": "phone",
        "kind": "complaint",
        "subject": "Parts arrived scratched",
        "body": "Three of 250 housings have scratches on the sealing face.",
        "occurred_at": (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(overrides)
    return data


# --- recording --------------------------------------------------------------------


def test_customer_service_records_a_complaint_against_an_order(
    client, service_user, order
):
    login(client, service_user)
    upload = SimpleUploadedFile("photo-report.pdf", PDF, "application/pdf")

    response = client.post(
        CREATE,
        create_data(order.customer, order=order.number, attachment=upload),
    )

    communication = Communication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == communication.get_absolute_url()
    assert communication.order == order
    assert communication.recorded_by == service_user
    assert communication.follow_up == "open"
    attachment = communication.attachments.get()
    assert attachment.original_name == "photo-report.pdf"
    assert attachment.size == len(PDF)
    assert attachment.file.read() == PDF
    assert communication.history.count() == 1


def test_the_record_link_from_an_order_prefills_customer_and_order(
    client, service_user, order
):
    response = login(client, service_user).get(CREATE, {"order": order.number})

    form = response.context["form"]
    assert form.initial["order"] == order.number
    assert form.initial["customer"] == order.customer_id


def test_an_order_of_another_customer_is_refused_beside_the_field(
    client, service_user, order
):
    other = factories.CustomerFactory()
    login(client, service_user)

    response = client.post(CREATE, create_data(other, order=order.number))

    assert response.status_code == 200
    assert "belongs to another customer" in response.context["form"].errors["order"][0]
    assert "Parts arrived scratched" in response.content.decode()  # nothing lost
    assert Communication.objects.count() == 0


def test_an_unknown_order_number_is_refused(client, service_user, customer):
    login(client, service_user)

    response = client.post(CREATE, create_data(customer, order="SO-1999-000001"))

    assert response.status_code == 200
    assert response.context["form"].errors["order"] == [
        "There is no order SO-1999-000001."
    ]


def test_a_future_date_is_refused(client, service_user, customer):
    login(client, service_user)
    tomorrow = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    response = client.post(CREATE, create_data(customer, occurred_at=tomorrow))

    assert response.status_code == 200
    assert response.context["form"].errors["occurred_at"] == [
        "This date is in the future."
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "not accepted"),
        ("fake.pdf", b"<html><script>alert(1)</script>", "content is not PDF"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_a_bad_attachment_is_refused_and_nothing_is_saved(
    client, service_user, customer, name, content, message
):
    login(client, service_user)
    upload = SimpleUploadedFile(name, content)

    response = client.post(CREATE, create_data(customer, attachment=upload))

    assert response.status_code == 200
    assert message in response.context["form"].errors["attachment"][0]
    assert Communication.objects.count() == 0
    assert CommunicationAttachment.objects.count() == 0


def test_an_attachment_over_the_size_limit_is_refused(
    client, service_user, customer, monkeypatch
):
    from communications import attachments

    monkeypatch.setattr(attachments, "ATTACHMENT_MAX_BYTES", 100)
    login(client, service_user)
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * 200)

    response = client.post(CREATE, create_data(customer, attachment=upload))

    assert response.status_code == 200
    assert "larger than" in response.context["form"].errors["attachment"][0]


def test_recording_needs_customer_service(client, auditor, reviewer, customer):
    assert login(client, auditor).post(CREATE, create_data(customer)).status_code == 403
    assert login(client, auditor).get(CREATE).status_code == 403
    assert login(client, reviewer).get(CREATE).status_code == 403
    assert Communication.objects.count() == 0


def test_recording_anonymously_redirects_to_login(client, customer):
    response = client.post(CREATE, create_data(customer))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_recording_by_put_is_refused(client, service_user):
    assert login(client, service_user).put(CREATE).status_code == 405


# --- the list ---------------------------------------------------------------------


def test_the_list_filters_by_kind_customer_and_search(client, auditor, customer):
    wanted = factories.CommunicationFactory(
        customer=customer, kind="complaint", subject="Scratched housings"
    )
    factories.CommunicationFactory(customer=customer, kind="enquiry")
    factories.CommunicationFactory(kind="complaint", subject="Late delivery")
    login(client, auditor)

    response = client.get(
        LIST, {"kind": "complaint", "customer": customer.pk, "q": "scratch"}
    )

    assert response.status_code == 200
    assert list(response.context["page"]["rows"]) == [wanted]


def test_the_list_searches_the_body_and_filters_by_order_and_follow_up(
    client, service_user, order
):
    wanted = factories.CommunicationFactory(
        customer=order.customer,
        order=order,
        kind="feedback",
        body="Great finish on the flanges",
    )
    factories.CommunicationFactory(
        customer=order.customer, kind="feedback", body="Great finish elsewhere"
    )
    login(client, service_user)

    response = client.get(
        LIST, {"q": "FLANGES", "order": order.number, "follow_up": "open"}
    )

    assert list(response.context["page"]["rows"]) == [wanted]


def test_the_list_filters_by_date_range_direction_and_channel(
    client, service_user, customer
):
    now = timezone.now()
    inside = factories.CommunicationFactory(
        customer=customer,
        occurred_at=now - timedelta(days=3),
        direction="out",
        channel="letter",
    )
    factories.CommunicationFactory(
        customer=customer,
        occurred_at=now - timedelta(days=10),
        direction="out",
        channel="letter",
    )
    factories.CommunicationFactory(customer=customer, occurred_at=now)
    login(client, service_user)
    start = timezone.localdate() - timedelta(days=5)
    end = timezone.localdate() - timedelta(days=1)

    response = client.get(
        LIST,
        {
            "occurred_from": start.isoformat(),
            "occurred_to": end.isoformat(),
            "direction": "out",
            "channel": "letter",
        },
    )

    assert list(response.context["page"]["rows"]) == [inside]


def test_a_reversed_date_range_is_explained(client, service_user):
    response = login(client, service_user).get(
        LIST, {"occurred_from": "2026-05-02", "occurred_to": "2026-05-01"}
    )

    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()


def test_the_list_pages_without_counting(client, service_user, customer, settings):
    factories.CommunicationFactory.create_batch(51, customer=customer)
    login(client, service_user)

    first = client.get(LIST)
    second = client.get(LIST, {"after": first.context["page"]["next_token"]})

    assert len(first.context["page"]["rows"]) == 50
    assert first.context["page"]["has_next"]
    assert len(second.context["page"]["rows"]) == 1
    assert not second.context["page"]["has_next"]
    assert 'rel="prev"' in second.content.decode()


@pytest.mark.parametrize("rows", [1, 50])
def test_the_list_runs_a_constant_number_of_queries(
    client, service_user, customer, order, rows, django_assert_num_queries
):
    factories.CommunicationFactory.create_batch(
        rows, customer=customer, order=order, kind="complaint"
    )
    login(client, service_user)

    # session, user, the user's groups, the customer filter's options,
    # one page of communications with customer, order and recorder joined.
    with django_assert_num_queries(5):
        response = client.get(LIST, {"kind": "complaint"})

    assert len(response.context["page"]["rows"]) == rows


def test_the_list_is_for_customer_service_and_auditors(client, reviewer, form_admin):
    assert login(client, reviewer).get(LIST).status_code == 403
    assert login(client, form_admin).get(LIST).status_code == 403


def test_the_list_anonymously_redirects_to_login(client, db):
    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_list_by_post_is_refused(client, service_user):
    assert login(client, service_user).post(LIST).status_code == 405


def test_auditors_see_the_list_without_the_record_button(client, auditor):
    page = login(client, auditor).get(LIST).content.decode()

    assert "Record a communication" not in page


# --- detail and attachments -------------------------------------------------------


@pytest.mark.parametrize("files", [1, 5])
def test_the_detail_page_runs_a_constant_number_of_queries(
    client, service_user, order, files, django_assert_num_queries
):
    communication = factories.CommunicationFactory(
        customer=order.customer, order=order, kind="complaint"
    )
    for index in range(files):
        CommunicationAttachment.objects.create(
            communication=communication,
            file=f"communications/x/{index}.pdf",
            original_name=f"report-{index}.pdf",
            content_type="application/pdf",
            size=10,
            uploaded_by=service_user,
        )
    login(client, service_user)

    # session, user, groups, the communication with its people, its attachments.
    with django_assert_num_queries(5):
        response = client.get(communication.get_absolute_url())

    assert response.content.decode().count("report-") == files


def test_an_unknown_communication_is_404(client, service_user):
    url = reverse("communications:communication_detail", args=[999999])
    assert login(client, service_user).get(url).status_code == 404


def test_the_detail_page_refuses_wrong_roles_and_methods(client, reviewer, auditor):
    communication = factories.CommunicationFactory()
    url = communication.get_absolute_url()

    assert login(client, reviewer).get(url).status_code == 403
    assert login(client, auditor).get(url).status_code == 200
    assert login(client, auditor).post(url).status_code == 405
    assert client.logout() is None
    assert client.get(url).status_code == 302


def test_an_attachment_is_served_only_to_those_who_may_see_it(
    client, service_user, auditor, reviewer, customer
):
    login(client, service_user)
    client.post(
        CREATE,
        create_data(
            customer, attachment=SimpleUploadedFile("report.pdf", PDF, "text/html")
        ),
    )
    attachment = CommunicationAttachment.objects.get()
    url = attachment.get_absolute_url()

    response = login(client, auditor).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"  # ours, not the browser's
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"

    assert login(client, reviewer).get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
    assert login(client, service_user).post(url).status_code == 405
    missing = reverse("communications:attachment_download", args=[999999])
    assert login(client, service_user).get(missing).status_code == 404


def test_an_attachment_is_stored_outside_static_under_its_own_name(
    client, service_user, customer, settings
):
    login(client, service_user)
    client.post(
        CREATE,
        create_data(
            customer,
            attachment=SimpleUploadedFile("../../etc/passwd.txt", b"hello\n"),
        ),
    )

    attachment = CommunicationAttachment.objects.get()
    path = attachment.file.path
    assert path.startswith(str(settings.MEDIA_ROOT))
    assert "passwd" not in path
    assert attachment.original_name == "passwd.txt"


def test_adding_an_attachment_later(client, service_user, auditor):
    communication = factories.CommunicationFactory()
    url = reverse("communications:attachment_add", args=[communication.pk])
    upload = SimpleUploadedFile("minutes.txt", b"Meeting minutes\n")

    assert login(client, auditor).post(url, {"attachment": upload}).status_code == 403
    response = login(client, service_user).post(
        url, {"attachment": SimpleUploadedFile("minutes.txt", b"Meeting minutes\n")}
    )
    assert response.status_code == 302
    assert communication.attachments.get().original_name == "minutes.txt"

    bad = client.post(url, {"attachment": SimpleUploadedFile("x.exe", b"MZ")})
    assert bad.status_code == 200
    assert "not accepted" in bad.content.decode()
    assert client.get(url).status_code == 405


# --- panels on other apps' pages --------------------------------------------------


def render_partial(name, rf, user, **context):
    from django.template.loader import render_to_string

    from orderreview.roles import roles_context

    request = rf.get("/")
    request.user = user
    return render_to_string(name, {**roles_context(request), **context}, request)


@pytest.mark.parametrize("rows", [1, 20])
def test_the_order_panel_lists_the_orders_communications(
    rf, service_user, order, rows, django_assert_num_queries
):
    factories.CommunicationFactory.create_batch(
        rows, customer=order.customer, order=order, subject="About the order"
    )
    factories.CommunicationFactory(customer=order.customer, subject="Unrelated")
    # A first render reads the user's roles, cached for the request as in a view.
    render_partial("communications/_order_panel.html", rf, service_user, order=order)

    # the order's communications (roles are cached).
    with django_assert_num_queries(1):
        html = render_partial(
            "communications/_order_panel.html",
            rf,
            service_user,
            order=order,
            communications=selectors.order_panel_communications(order),
        )

    assert html.count("About the order") == rows
    assert "Unrelated" not in html
    for communication in order.communications.all():
        assert f'href="{communication.get_absolute_url()}"' in html
    assert f"?order={order.number}" in html


def test_the_customer_panel_lists_the_customers_communications(rf, auditor, order):
    factories.CommunicationFactory(customer=order.customer, subject="Mine")
    factories.CommunicationFactory(subject="Someone else's")

    html = render_partial(
        "communications/_customer_panel.html",
        rf,
        auditor,
        customer=order.customer,
        **page_selectors.customer_panels(order.customer, auditor),
    )

    assert "Mine" in html
    assert "Someone else" not in html
    assert "Record a communication" not in html  # auditors only read


def test_the_panels_show_nothing_to_roles_that_may_not_read_the_log(
    rf, reviewer, order
):
    factories.CommunicationFactory(customer=order.customer, order=order)

    html = render_partial("communications/_order_panel.html", rf, reviewer, order=order)

    assert html.strip() == ""
