"""The communication log through the API: list, read, record, attach, download --
the communication pages' roles, form, filters and file rules, refusals included."""

import hashlib
import json
from datetime import timedelta

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from api import services as api_services
from communications import attachments, services
from communications.models import Communication, CommunicationAttachment
from tests import factories
from tests.api.conftest import is_problem, token_client
from tests.api.test_schema import READ_CHECKS, SCHEMA_URL, wsgi_app

__all__ = ["wsgi_app"]

pytestmark = pytest.mark.django_db

LOG = "/api/v1/communications/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def customer(db):
    return factories.CustomerFactory(name="Acme Precision Ltd")


@pytest.fixture
def order(customer):
    return factories.OrderFactory(customer=customer)


def an_hour_ago() -> str:
    return (timezone.now() - timedelta(hours=1)).isoformat()


def record_data(customer, **overrides) -> dict:
    return {
        "customer": customer.pk,
        "direction": "in",
        "channel": "phone",
        "kind": "complaint",
        "subject": "Parts arrived scratched",
        "body": "Three of 250 housings have scratches on the sealing face.",
        "occurred_at": an_hour_ago(),
        **overrides,
    }


def post_json(client: Client, url: str, data: object) -> object:
    return client.post(url, data, content_type="application/json")


def recorded(customer, user, **overrides) -> Communication:
    data = {
        "customer": customer,
        "direction": "in",
        "channel": "email",
        "kind": "enquiry",
        "subject": "Lead times",
        "occurred_at": timezone.now() - timedelta(hours=1),
        "recorded_by": user,
        **overrides,
    }
    return services.communication_record(**data)


def pdf(name: str = "report.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/pdf")


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


# --- who may do what --------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "reads", "writes"),
    [
        ("service_user", 200, 201),
        ("auditor", 200, 403),
        ("reviewer", 403, 403),
        ("approver", 403, 403),
        ("form_admin", 403, 403),
    ],
)
def test_each_role_reads_and_records_as_the_communication_pages_allow(
    request, role, reads, writes, customer, service_user
):
    communication = recorded(customer, service_user, attachment=pdf())
    attachment = communication.attachments.get()
    client = token_client(request.getfixturevalue(role))
    detail = f"{LOG}{communication.pk}/"
    download = f"{detail}attachments/{attachment.pk}/"

    assert client.get(LOG).status_code == reads
    assert client.get(detail).status_code == reads
    assert client.get(download).status_code == reads
    created = post_json(client, LOG, record_data(customer))
    assert created.status_code == writes
    attached = client.post(f"{detail}attachments/", {"attachment": pdf("more.pdf")})
    assert attached.status_code == (201 if writes == 201 else 403)
    if writes == 403:
        assert is_problem(created, 403, "permission-denied")
        assert Communication.objects.count() == 1
        assert CommunicationAttachment.objects.count() == 1


def test_without_a_token_every_communication_url_is_401(customer, service_user):
    communication = recorded(customer, service_user, attachment=pdf())
    attachment = communication.attachments.get()
    anonymous = Client()
    detail = f"{LOG}{communication.pk}/"
    for response in (
        anonymous.get(LOG),
        anonymous.get(detail),
        anonymous.get(f"{detail}attachments/{attachment.pk}/"),
        post_json(anonymous, LOG, record_data(customer)),
        anonymous.post(f"{detail}attachments/", {"attachment": pdf()}),
    ):
        assert is_problem(response, 401, "not-authenticated")
    assert Communication.objects.count() == 1


def test_wrong_methods_are_405_problems(service_api, customer, service_user):
    communication = recorded(customer, service_user)
    assert is_problem(service_api.delete(LOG), 405, "method-not-allowed")
    assert is_problem(
        service_api.put(f"{LOG}{communication.pk}/"), 405, "method-not-allowed"
    )
    assert is_problem(
        service_api.get(f"{LOG}{communication.pk}/attachments/"),
        405,
        "method-not-allowed",
    )


# --- the list ---------------------------------------------------------------------


def test_the_log_is_filtered_as_the_web_list_filters_it(
    service_api, customer, order, service_user
):
    other = factories.CustomerFactory(name="Other Ltd")
    about_order = recorded(customer, service_user, order=order, kind="complaint")
    outgoing = recorded(
        customer, service_user, direction="out", kind="quote", subject="Quote 7"
    )
    elsewhere = recorded(other, service_user, channel="letter", body="Tooling ready")
    old = recorded(
        customer, service_user, occurred_at=timezone.now() - timedelta(days=40)
    )

    assert ids(service_api.get(LOG)) == [
        elsewhere.pk,
        outgoing.pk,
        about_order.pk,
        old.pk,
    ]
    assert ids(service_api.get(LOG, {"order": order.number})) == [about_order.pk]
    assert ids(service_api.get(LOG, {"customer": other.pk})) == [elsewhere.pk]
    assert ids(service_api.get(LOG, {"direction": "out"})) == [outgoing.pk]
    assert ids(service_api.get(LOG, {"kind": "quote"})) == [outgoing.pk]
    assert ids(service_api.get(LOG, {"channel": "letter"})) == [elsewhere.pk]
    assert ids(service_api.get(LOG, {"follow_up": "pending"})) == [about_order.pk]
    assert ids(service_api.get(LOG, {"q": "tooling"})) == [elsewhere.pk]
    week_ago = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert old.pk not in ids(service_api.get(LOG, {"occurred_from": week_ago}))
    assert ids(service_api.get(LOG, {"occurred_to": week_ago})) == [old.pk]
    row = service_api.get(LOG, {"order": order.number}).json()["results"][0]
    assert row["order"] == order.number
    assert row["customer"]["name"] == "Acme Precision Ltd"
    assert row["follow_up"] == "open"
    assert row["recorded_by"]["username"] == service_user.username


def test_the_log_is_paged_by_keyset(service_api, customer, service_user):
    for index in range(55):
        recorded(
            customer,
            service_user,
            occurred_at=timezone.now() - timedelta(minutes=index + 1),
        )
    first = service_api.get(LOG).json()
    assert len(first["results"]) == 50
    second = service_api.get(LOG, {"after": first["next"]}).json()
    assert len(second["results"]) == 5 and second["next"] is None
    seen = {row["id"] for row in first["results"] + second["results"]}
    assert seen == set(Communication.objects.values_list("pk", flat=True))


def test_a_bad_filter_is_a_400_problem_naming_each_field(service_api):
    response = service_api.get(
        LOG,
        {
            "kind": "gossip",
            "direction": "sideways",
            "occurred_from": "2026-05-02",
            "occurred_to": "2026-05-01",
        },
    )
    assert is_problem(response, 400, "validation-error")
    assert set(response.json()["errors"]) == {"kind", "direction", "occurred_to"}


@pytest.mark.parametrize(
    "query",
    [
        {"q": "\x00"},
        {"order": "SO\x00"},
        {"customer": "99999999999999999999999"},
        {"customer": "-1"},
        {"occurred_from": "99999-01-01"},
        {"after": "%%%not-a-token"},
        {"after": "W3sidCI6ICJ4In0sIDFd"},
        {"q": "x" * 5000},
    ],
)
def test_hostile_filters_are_answered_never_a_500(service_api, query):
    response = service_api.get(LOG, query)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert is_problem(response, 400, "validation-error")


# --- one communication ------------------------------------------------------------


def test_one_communication_shows_its_attachments_with_size_hash_and_download(
    service_api, customer, order, service_user
):
    communication = recorded(
        customer, service_user, order=order, body="Photos attached.", attachment=pdf()
    )
    body = service_api.get(f"{LOG}{communication.pk}/").json()
    assert body["body"] == "Photos attached."
    assert body["order"] == order.number
    [attachment] = body["attachments"]
    assert attachment["name"] == "report.pdf"
    assert attachment["size"] == len(PDF)
    assert attachment["content_type"] == "application/pdf"
    assert attachment["sha256"] == hashlib.sha256(PDF).hexdigest()

    download = service_api.get(attachment["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"


def test_an_unknown_communication_or_attachment_is_a_404_problem(
    service_api, customer, service_user
):
    one = recorded(customer, service_user, attachment=pdf())
    other = recorded(customer, service_user)
    attachment = one.attachments.get()
    assert is_problem(service_api.get(f"{LOG}{other.pk + 1}/"), 404, "not-found")
    # An attachment is found only under its own communication.
    assert is_problem(
        service_api.get(f"{LOG}{other.pk}/attachments/{attachment.pk}/"),
        404,
        "not-found",
    )
    assert is_problem(
        service_api.post(f"{LOG}{other.pk + 1}/attachments/", {"attachment": pdf()}),
        404,
        "not-found",
    )


def test_a_file_missing_from_storage_is_a_404_problem_not_a_500(
    service_api, customer, service_user
):
    communication = recorded(customer, service_user, attachment=pdf())
    attachment = communication.attachments.get()
    attachment.file.delete(save=False)
    response = service_api.get(f"{LOG}{communication.pk}/attachments/{attachment.pk}/")
    assert is_problem(response, 404, "not-found")


def test_a_download_asked_for_as_another_type_is_still_the_file(
    service_api, customer, service_user
):
    communication = recorded(customer, service_user, attachment=pdf())
    attachment = communication.attachments.get()
    response = service_api.get(
        f"{LOG}{communication.pk}/attachments/{attachment.pk}/",
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


# --- recording --------------------------------------------------------------------


def test_customer_service_records_a_complaint_as_json(
    service_api, customer, order, service_user
):
    response = post_json(
        service_api, LOG, record_data(customer, order=order.number, kind="complaint")
    )
    assert response.status_code == 201
    communication = Communication.objects.get()
    assert response["Location"] == f"{LOG}{communication.pk}/"
    assert response.json()["id"] == communication.pk
    assert communication.order == order
    assert communication.recorded_by == service_user
    # Complaints are followed up until closed, as when recorded on the page.
    assert communication.follow_up == "open"
    assert communication.history.get().history_user == service_user


def test_a_communication_is_recorded_with_its_file_as_multipart(service_api, customer):
    response = service_api.post(LOG, record_data(customer, attachment=pdf()))
    assert response.status_code == 201
    [shown] = response.json()["attachments"]
    attachment = CommunicationAttachment.objects.get()
    assert shown["id"] == attachment.pk
    assert attachment.file.read() == PDF
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()


def test_every_error_is_returned_per_field_in_one_problem(service_api, customer):
    other = factories.CustomerFactory()
    theirs = factories.OrderFactory(customer=other)
    response = service_api.post(
        LOG,
        {
            "customer": customer.pk,
            "order": theirs.number,
            "direction": "sideways",
            "kind": "gossip",
            "subject": "Line one\nline two",
            "body": "x" * 20001,
            "occurred_at": "yesterday",
            "colour": "red",
            "attachment": SimpleUploadedFile("tool.exe", b"MZ\x90\x00"),
        },
    )
    assert is_problem(response, 400, "validation-error")
    errors = response.json()["errors"]
    assert set(errors) == {
        "order",
        "direction",
        "channel",
        "kind",
        "subject",
        "body",
        "occurred_at",
        "colour",
        "attachment",
    }
    assert errors["subject"] == ["One line only: remove the line break."]
    assert errors["colour"] == ["There is no such field."]
    assert "not accepted" in errors["attachment"][0]
    assert Communication.objects.count() == 0


def test_an_order_of_another_customer_is_refused_beside_the_order(
    service_api, customer
):
    theirs = factories.OrderFactory(customer=factories.CustomerFactory())
    response = post_json(service_api, LOG, record_data(customer, order=theirs.number))
    assert is_problem(response, 400, "validation-error")
    assert "belongs to another customer" in response.json()["errors"]["order"][0]
    missing = post_json(service_api, LOG, record_data(customer, order="SO-0000-1"))
    assert missing.json()["errors"]["order"] == ["There is no order SO-0000-1."]


def test_a_moment_in_the_future_is_refused_by_the_service(service_api, customer):
    tomorrow = (timezone.now() + timedelta(days=1)).isoformat()
    response = post_json(service_api, LOG, record_data(customer, occurred_at=tomorrow))
    assert is_problem(response, 400, "validation-error")
    assert response.json()["errors"] == {"occurred_at": ["This date is in the future."]}
    assert Communication.objects.count() == 0


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>"), "is not PDF"),
        (SimpleUploadedFile("notes.txt", b"binary\x00data"), "not the text file"),
        (SimpleUploadedFile("page.html", b"<script>"), "not accepted"),
        (SimpleUploadedFile("empty.pdf", b""), "empty"),
    ],
)
def test_a_file_the_web_form_refuses_is_refused_and_nothing_is_recorded(
    service_api, customer, upload, message
):
    response = service_api.post(LOG, record_data(customer, attachment=upload))
    assert is_problem(response, 400, "validation-error")
    assert message in response.json()["errors"]["attachment"][0]
    assert Communication.objects.count() == 0
    assert CommunicationAttachment.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(service_api, customer, monkeypatch):
    monkeypatch.setattr(attachments, "ATTACHMENT_MAX_BYTES", 20)
    response = service_api.post(LOG, record_data(customer, attachment=pdf()))
    assert "larger than" in response.json()["errors"]["attachment"][0]
    assert Communication.objects.count() == 0


def test_files_come_one_at_a_time_and_only_as_multipart(service_api, customer):
    two = service_api.post(
        LOG, record_data(customer, attachment=[pdf("a.pdf"), pdf("b.pdf")])
    )
    assert "One file when recording" in two.json()["errors"]["attachment"][0]
    as_json = post_json(service_api, LOG, record_data(customer, attachment="JVBERi0="))
    assert as_json.json()["errors"]["attachment"] == [
        "Send files as multipart/form-data."
    ]
    as_text = service_api.post(LOG, record_data(customer, attachment="report"))
    assert as_text.json()["errors"]["attachment"] == ["Send a file here, not text."]
    file_as_subject = service_api.post(LOG, record_data(customer, subject=pdf()))
    assert file_as_subject.json()["errors"]["subject"] == [
        "Send text here, not a file."
    ]
    repeated = service_api.post(LOG, record_data(customer, kind=["quote", "other"]))
    assert repeated.json()["errors"]["kind"] == [
        "Send a single value, not a list or an object."
    ]
    assert Communication.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "content_type", "status", "slug"),
    [
        ("[1, 2]", "application/json", 400, "validation-error"),
        ("null", "application/json", 400, "validation-error"),
        ('{"subject": ', "application/json", 400, "malformed-request"),
        ("[" * 100000 + "]" * 100000, "application/json", 400, "malformed-request"),
        ('{"customer": {"id": 1}}', "application/json", 400, "validation-error"),
        ('{"subject": "a\\u0000b"}', "application/json", 400, "validation-error"),
        ("subject=x", "text/plain", 415, "unsupported-media-type"),
        ("--x\r\njunk", "multipart/form-data", 400, "malformed-request"),
        ("--x\r\njunk", "multipart/form-data; boundary=x", 400, "validation-error"),
    ],
)
def test_hostile_bodies_are_problems_never_a_500(
    service_api, body, content_type, status, slug
):
    response = service_api.post(LOG, body, content_type=content_type)
    assert is_problem(response, status, slug)
    assert Communication.objects.count() == 0


def test_a_multipart_body_with_too_many_fields_is_a_400_problem(
    service_api, customer, settings
):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    data = record_data(customer, **{f"extra{index}": "x" for index in range(10)})
    response = service_api.post(LOG, data)
    assert is_problem(response, 400, "malformed-request")


def test_the_web_form_refuses_a_line_break_in_the_subject_too(
    client, service_user, customer
):
    client.force_login(service_user)
    data = record_data(customer, subject="One\r\nTwo")
    data["occurred_at"] = (timezone.now() - timedelta(hours=1)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    response = client.post("/communications/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["subject"] == [
        "One line only: remove the line break."
    ]
    assert Communication.objects.count() == 0


# --- attaching later --------------------------------------------------------------


def test_customer_service_attaches_a_file_to_a_communication(
    service_api, customer, service_user
):
    communication = recorded(customer, service_user)
    response = service_api.post(
        f"{LOG}{communication.pk}/attachments/",
        {"attachment": SimpleUploadedFile("notes.txt", b"Called back at 3pm.")},
    )
    assert response.status_code == 201
    attachment = communication.attachments.get()
    assert (
        response["Location"] == f"{LOG}{communication.pk}/attachments/{attachment.pk}/"
    )
    assert (
        response.json()["sha256"] == hashlib.sha256(b"Called back at 3pm.").hexdigest()
    )
    assert attachment.uploaded_by == service_user


def test_attaching_refuses_what_the_attach_form_refuses(
    service_api, customer, service_user
):
    communication = recorded(customer, service_user)
    url = f"{LOG}{communication.pk}/attachments/"
    nothing = service_api.post(url, {})
    assert nothing.json()["errors"] == {"attachment": ["This field is required."]}
    bad = service_api.post(url, {"attachment": SimpleUploadedFile("x.pdf", b"nope")})
    assert bad.json()["errors"]["attachment"] == ["The file's content is not PDF."]
    extra = service_api.post(url, {"attachment": pdf(), "note": "hi"})
    assert extra.json()["errors"] == {"note": ["There is no such field."]}
    two = service_api.post(url, {"attachment": [pdf("a.pdf"), pdf("b.pdf")]})
    assert two.json()["errors"] == {"attachment": ["One file per request."]}
    as_json = post_json(service_api, url, {"attachment": "JVBERi0="})
    assert is_problem(as_json, 415, "unsupported-media-type")
    assert CommunicationAttachment.objects.count() == 0


# --- constant queries -------------------------------------------------------------

# Every token request: token and user, last use, groups, rate limit
# -- see tests/api/test_queries.py.
TOKEN_REQUEST = 4
PINNED = {
    # One page of communications with customer, order and recorder.
    "list": TOKEN_REQUEST + 1,
    # The communication with its people; its attachments.
    "detail": TOKEN_REQUEST + 2,
}


def _grow(count: int, customer, order, user) -> Communication:
    latest = None
    for _ in range(count):
        latest = recorded(customer, user, order=order, attachment=pdf())
        services.attachment_add(communication=latest, upload=pdf("b.pdf"), user=user)
        recorded(factories.CustomerFactory(), factories.UserFactory())
    return latest


def _counts(client: Client, latest: Communication) -> dict[str, int]:
    counts = {}
    for name, url in (("list", LOG), ("detail", f"{LOG}{latest.pk}/")):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts[name] = len(captured)
    return counts


def test_the_list_and_detail_run_the_same_queries_as_the_log_grows(
    customer, order, service_user
):
    client = token_client(service_user)
    few = _counts(client, _grow(1, customer, order, service_user))
    many = _counts(client, _grow(12, customer, order, service_user))
    assert few == many == PINNED, json.dumps({"few": few, "many": many})


# --- the write operations under schemathesis ---------------------------------------


@pytest.fixture
def write_schema(wsgi_app, customer, service_user):
    recorded(customer, service_user, attachment=pdf())
    loaded = schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app)
    return loaded.include(method="POST", path_regex="^/api/v1/communications/")


def test_recording_and_attaching_answer_within_their_schema(write_schema, service_user):
    """Generated bodies, JSON and multipart: no 500, no answer outside the schema."""
    _token, key = api_services.api_token_create(user=service_user, name="st")
    operations = [result.ok() for result in write_schema.get_all_operations()]
    assert len(operations) == 2

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=40,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def answers_within_schema(case: schemathesis.Case) -> None:
            case.call_and_validate(
                headers={"Authorization": f"Bearer {key}"}, checks=READ_CHECKS
            )

        answers_within_schema()
