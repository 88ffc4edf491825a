"""Every path that stores an order-form file checks it first, whatever else is wrong.

Each page is posted with another field invalid (quantity "many") and a file its
policy forbids: the page answers 200 with the message beside the file field, and
the file is stored neither on disk nor in the revision's answers.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orders import services
from orders.models import Channel, Order, Question
from requirements import change_orders
from requirements import services as req_services
from requirements.models import RequirementSet
from tests import factories

pytestmark = pytest.mark.django_db

PDF_HEAD = b"%PDF-1.4\n"
CONTACT = {"c-name": "Jo Visitor", "c-email": "jo@visit.example"}
GOOD = {"a-part_number": "AX-100", "a-quantity": "250"}
BAD_FIELD = {"a-part_number": "AX-100", "a-quantity": "many"}


def _html() -> SimpleUploadedFile:
    return SimpleUploadedFile("page.html", b"<html><script>alert(1)</script>")


def _big_pdf(kb: int) -> SimpleUploadedFile:
    return SimpleUploadedFile("big.pdf", PDF_HEAD + b"0" * (kb * 1024))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_UPLOAD_MAX_KB = 10


def _files_on_disk(settings) -> list:
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def open_version(engineering):
    """A question that takes any file up to 30 MB: only the public policy limits
    the portal and the catalog; drawing takes PDFs up to 100 KB from anyone."""
    version = factories.OrderFormVersionFactory(
        form=factories.OrderFormFactory(name="Open parts", slug="open-parts")
    )
    q = factories.QuestionFactory
    q(version=version, key="part_number", label="Part number", required=True)
    q(
        version=version,
        key="quantity",
        label="Quantity",
        kind=Question.Kind.INTEGER,
        required=True,
        min_value=1,
    )
    q(
        version=version,
        key="attachment",
        label="Attachment",
        kind=Question.Kind.FILE,
        max_file_size_kb=30 * 1024,
    )
    q(
        version=version,
        key="drawing",
        label="Drawing",
        kind=Question.Kind.FILE,
        allowed_file_types="pdf",
        max_file_size_kb=100,
    )
    return factories.publish_version(version)


@pytest.fixture
def open_draft(open_version, customer, service_user):
    return req_services.intake_start(
        user=service_user,
        form_version=open_version,
        channel=Channel.PHONE,
        customer=customer,
        answers={"part_number": "AX-100", "quantity": 250},
    )


def _assert_refused_beside_the_field(response, key: str, text: str) -> None:
    assert response.status_code == 200
    form = response.context["answer_form"]
    assert text in " ".join(form.errors[key])
    # The typed (invalid) quantity is still there to correct.
    assert "many" in response.content.decode()


PUBLIC_CASES = [
    pytest.param(_html, "not accepted here", id="html"),
    pytest.param(lambda: _big_pdf(15), "larger than 10 KB", id="pdf-over-limit"),
]


@pytest.mark.parametrize(("make_file", "message"), PUBLIC_CASES)
def test_the_portal_checks_a_file_even_when_another_field_is_invalid(
    client, open_draft, service_user, settings, make_file, message
):
    _, token = services.portal_link_create(order=open_draft.order, user=service_user)
    data = {**BAD_FIELD, "a-attachment": make_file()}
    response = client.post(reverse("orders:portal", args=[token]), data)
    _assert_refused_beside_the_field(response, "attachment", message)
    assert _files_on_disk(settings) == []
    open_draft.refresh_from_db()
    assert "attachment" not in open_draft.answers
    # ...and submitting afterwards carries no file into a submitted requirement.
    response = client.post(
        reverse("orders:portal", args=[token]), {**GOOD, "submit": ""}
    )
    assert response.status_code == 302
    submitted = open_draft.order.revisions.get()
    assert submitted.state == RequirementSet.State.SUBMITTED
    assert not submitted.requirements.filter(key="attachment").exists()


@pytest.mark.parametrize(("make_file", "message"), PUBLIC_CASES)
def test_a_catalog_request_checks_a_file_even_when_another_field_is_invalid(
    client, open_version, settings, make_file, message
):
    data = {**CONTACT, **BAD_FIELD, "a-attachment": make_file()}
    url = reverse("orders:catalog_request", args=["open-parts"])
    response = client.post(url, data)
    _assert_refused_beside_the_field(response, "attachment", message)
    assert _files_on_disk(settings) == []
    assert not Order.objects.exists()


STAFF_CASES = [
    pytest.param(
        lambda: SimpleUploadedFile("page.html", b"<html>"),
        "is not allowed",
        id="html",
    ),
    pytest.param(lambda: _big_pdf(150), "larger than 100 KB", id="pdf-over-limit"),
]


@pytest.mark.parametrize(("make_file", "message"), STAFF_CASES)
def test_a_staff_draft_checks_a_file_even_when_another_field_is_invalid(
    client, open_draft, service_user, settings, make_file, message
):
    client.force_login(service_user)
    data = {
        "customer": open_draft.order.customer_id,
        "channel": "phone",
        "documented_statement": "on",
        **BAD_FIELD,
        "a-drawing": make_file(),
    }
    url = reverse("orders:order_edit", args=[open_draft.order.number])
    response = client.post(url, data)
    _assert_refused_beside_the_field(response, "drawing", message)
    assert _files_on_disk(settings) == []
    open_draft.refresh_from_db()
    assert "drawing" not in open_draft.answers
    assert open_draft.answers["quantity"] == "many"  # what was typed is kept


@pytest.mark.parametrize(("make_file", "message"), STAFF_CASES)
def test_a_change_order_checks_a_file_even_when_another_field_is_invalid(
    client, open_draft, service_user, settings, make_file, message
):
    req_services.revision_submit(revision=open_draft, user=service_user)
    change = change_orders.change_order_start(
        order=open_draft.order,
        user=service_user,
        reason="New drawing",
        channel=Channel.EMAIL,
        requested_by="Buyer",
    )
    client.force_login(service_user)
    url = reverse(
        "requirements:change_edit", args=[open_draft.order.number, change.number]
    )
    response = client.post(url, {**BAD_FIELD, "a-drawing": make_file()})
    _assert_refused_beside_the_field(response, "drawing", message)
    assert _files_on_disk(settings) == []
    change.refresh_from_db()
    assert "drawing" not in change.answers


# --- the one function storage goes through -------------------------------------------


def test_the_storage_service_refuses_a_forbidden_file_whoever_calls_it(
    open_draft, service_user, settings
):
    """An API or any future caller that skips the forms still cannot store it."""
    link, _ = services.portal_link_create(order=open_draft.order, user=service_user)
    with pytest.raises(ValidationError) as refused:
        req_services.portal_answers_save(
            link=link,
            answers={"part_number": "AX-100", "attachment": _html()},
            submit=False,
        )
    assert "attachment" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        req_services.revision_answers_save(
            revision=open_draft,
            user=service_user,
            answers={"drawing": _big_pdf(150), "attachment": _html()},
        )
    assert list(refused.value.message_dict) == ["drawing"]
    with pytest.raises(ValidationError):
        req_services.revision_answers_save(
            revision=open_draft,
            user=service_user,
            answers={"no_such_question": SimpleUploadedFile("a.pdf", PDF_HEAD)},
        )
    assert _files_on_disk(settings) == []
    open_draft.refresh_from_db()
    assert set(open_draft.answers) == {"part_number", "quantity"}


def test_an_allowed_public_file_is_still_stored(client, open_draft, service_user):
    _, token = services.portal_link_create(order=open_draft.order, user=service_user)
    upload = SimpleUploadedFile("spec.pdf", PDF_HEAD + b"0" * 1024)
    response = client.post(
        reverse("orders:portal", args=[token]), {**GOOD, "a-attachment": upload}
    )
    assert response.status_code == 302
    open_draft.refresh_from_db()
    assert open_draft.answers["attachment"]["name"] == "spec.pdf"
