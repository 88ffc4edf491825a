import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from orders.models import Channel, Order
from requirements.models import Requirement, RequirementSet
from tests import factories
from tests.intake.conftest import COMPLETE, answer_post

pytestmark = pytest.mark.django_db


def header_post(customer, **extra: object) -> dict:
    data = {
        "customer": customer.pk,
        "channel": Channel.PHONE,
        "customer_reference": "PO-1",
        "documented_statement": "yes",
    }
    data.update(extra)
    return data


# --- new order ------------------------------------------------------------------


@pytest.mark.parametrize("channel", Channel.values)
def test_service_enters_an_order_through_every_channel(
    client, service_user, customer, intake_version, channel
):
    client.force_login(service_user)
    response = client.post(
        reverse("orders:order_new"),
        header_post(customer, form=intake_version.form.pk, channel=channel),
    )
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:order_edit", args=[order.number])
    assert order.channel == channel
    response = client.post(
        reverse("orders:order_edit", args=[order.number]),
        {**header_post(customer, channel=channel), **answer_post(COMPLETE)}
        | {"submit": ""},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_REVIEW
    assert order.revisions.get().requirements.count() == 4


def test_new_order_with_bad_input_shows_errors_beside_fields_and_keeps_typing(
    client, service_user, intake_version
):
    client.force_login(service_user)
    response = client.post(
        reverse("orders:order_new"),
        {
            "new_customer_name": "Fresh Co",
            "channel": "carrier-pigeon",
            "customer_reference": "KEEP-ME",
            "form": intake_version.form.pk,
            "requested_date": "not a date",
        },
    )
    assert response.status_code == 200
    header = response.context["header"]
    assert "new_customer_account_code" in header.errors
    assert "channel" in header.errors
    assert "requested_date" in header.errors
    assert 'value="KEEP-ME"' in response.content.decode()
    assert 'value="Fresh Co"' in response.content.decode()
    assert not Order.objects.exists()


def test_new_order_creates_the_customer_inline(client, service_user, intake_version):
    client.force_login(service_user)
    client.post(
        reverse("orders:order_new"),
        {
            "new_customer_name": "Fresh Co",
            "new_customer_account_code": "FRESH-1",
            "channel": Channel.EMAIL,
            "form": intake_version.form.pk,
            "documented_statement": "yes",
        },
    )
    assert Order.objects.get().customer.account_code == "FRESH-1"


# --- drafts --------------------------------------------------------------------


def test_saving_a_draft_keeps_everything_typed_even_invalid_answers(
    client, service_user, draft, customer
):
    client.force_login(service_user)
    url = reverse("orders:order_edit", args=[draft.order.number])
    typed = {"part_number": "AX-2", "quantity": "lots", "notes": "Deburr all edges"}
    response = client.post(
        url, {**header_post(customer), **answer_post(typed), "save": ""}
    )
    assert response.status_code == 200
    assert "quantity" in response.context["answer_form"].errors
    draft.refresh_from_db()
    assert draft.answers == typed
    page = client.get(url).content.decode()
    assert 'value="lots"' in page
    assert "Deburr all edges" in page


def test_an_incomplete_draft_saves_without_errors_and_redirects(
    client, service_user, draft, customer
):
    client.force_login(service_user)
    url = reverse("orders:order_edit", args=[draft.order.number])
    response = client.post(
        url, {**header_post(customer), **answer_post({"part_number": "X"}), "save": ""}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.answers == {"part_number": "X"}
    assert draft.state == RequirementSet.State.DRAFT


def test_submit_refused_when_a_required_visible_answer_is_missing(
    client, service_user, draft, customer
):
    client.force_login(service_user)
    url = reverse("orders:order_edit", args=[draft.order.number])
    typed = {"part_number": "AX-3", "quantity": "5", "needs_certificate": "yes"}
    response = client.post(
        url, {**header_post(customer), **answer_post(typed), "submit": ""}
    )
    assert response.status_code == 200
    assert response.context["answer_form"].errors["certificate_type"]
    draft.refresh_from_db()
    assert draft.state == RequirementSet.State.DRAFT
    # Kept in typed form, as a submitted revision holds them.
    assert draft.answers == {**typed, "quantity": 5, "needs_certificate": True}
    assert draft.order.status == Order.Status.DRAFT


def test_submit_stores_an_uploaded_drawing(
    client, service_user, draft, customer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(service_user)
    url = reverse("orders:order_edit", args=[draft.order.number])
    drawing = SimpleUploadedFile("part.pdf", b"%PDF-1.4 test", "application/pdf")
    data = {**header_post(customer), **answer_post(COMPLETE), "submit": ""}
    data["a-drawing"] = drawing
    response = client.post(url, data)
    assert response.status_code == 302
    stored = draft.requirements.get(key="drawing").value
    assert stored["name"] == "part.pdf"
    assert (tmp_path / stored["path"]).read_bytes() == b"%PDF-1.4 test"


def test_a_submitted_order_is_no_longer_editable(client, service_user, draft):
    from requirements.services import revision_submit

    revision_submit(revision=draft, user=service_user)
    client.force_login(service_user)
    response = client.get(reverse("orders:order_edit", args=[draft.order.number]))
    assert response.status_code == 302
    assert response["Location"] == draft.order.get_absolute_url()


def test_staff_add_and_remove_a_requirement_on_the_draft(
    client, service_user, draft, quality
):
    client.force_login(service_user)
    url = reverse("orders:requirement_add", args=[draft.order.number])
    response = client.post(url, {"statement": "", "category": "statutory"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"statement", "discipline"}
    response = client.post(
        url,
        {"statement": "CE marking", "category": "statutory", "discipline": quality.pk},
    )
    assert response.status_code == 302
    requirement = Requirement.objects.get(source=Requirement.Source.STAFF)
    assert requirement.statement == "CE marking"
    remove = reverse(
        "orders:requirement_remove", args=[draft.order.number, requirement.pk]
    )
    assert client.get(remove).status_code == 405
    assert client.post(remove).status_code == 302
    assert not Requirement.objects.exists()


def test_customer_confirmation_is_recorded_with_who(client, service_user, draft):
    from requirements.services import revision_submit

    revision_submit(revision=draft, user=service_user)
    client.force_login(service_user)
    url = reverse("orders:revision_confirmation", args=[draft.order.number, 1])
    response = client.post(url, {"method": "", "confirmed_at": "yesterday"})
    assert response.status_code == 200
    assert {"method", "confirmed_at"} <= set(response.context["form"].errors)
    before_entry = timezone.localtime() - datetime.timedelta(hours=2)
    response = client.post(
        url,
        {
            "method": "Read back by phone",
            "confirmed_at": before_entry.strftime("%Y-%m-%dT%H:%M"),
            "new_subject": "Requirements read back",
            "new_channel": "phone",
        },
    )
    assert response.status_code == 200
    assert (
        "before the order was entered"
        in response.context["form"].errors["confirmed_at"][0]
    )
    assert 'value="Read back by phone"' in response.content.decode()
    response = client.post(
        url,
        {
            "method": "Read back by phone",
            "confirmed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "new_subject": "Requirements read back",
            "new_channel": "phone",
        },
    )
    assert response.status_code == 302
    confirmation = RequirementSet.objects.get().confirmation
    assert confirmation.method == "Read back by phone"
    assert confirmation.confirmed_by == service_user


# --- permissions ---------------------------------------------------------------


def _order_urls(number: str) -> list[str]:
    return [
        reverse("orders:order_new"),
        reverse("orders:order_edit", args=[number]),
        reverse("orders:requirement_add", args=[number]),
        reverse("orders:revision_confirmation", args=[number, 1]),
        reverse("orders:portal_link", args=[number]),
    ]


def test_anonymous_visitors_are_sent_to_login(client, draft):
    urls = [
        *_order_urls(draft.order.number),
        reverse("orders:order_list"),
        reverse("orders:order_detail", args=[draft.order.number]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("user_fixture", ["no_role_user", "form_admin"])
def test_other_roles_get_403(client, draft, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    urls = [
        *_order_urls(draft.order.number),
        reverse("orders:order_list"),
        reverse("orders:order_detail", args=[draft.order.number]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("user_fixture", ["auditor", "reviewer"])
def test_readers_see_orders_but_change_nothing(client, draft, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(reverse("orders:order_list")).status_code == 200
    detail = reverse("orders:order_detail", args=[draft.order.number])
    assert client.get(detail).status_code == 200
    for url in _order_urls(draft.order.number):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url


def test_unknown_orders_are_404(client, service_user):
    client.force_login(service_user)
    for url in _order_urls("SO-1999-000001")[1:]:
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("orders:order_detail", args=["nope"])).status_code == 404


def test_wrong_methods_are_405(client, service_user, draft):
    client.force_login(service_user)
    number = draft.order.number
    assert client.post(reverse("orders:order_list")).status_code == 405
    assert client.post(reverse("orders:order_detail", args=[number])).status_code == 405
    assert client.put(reverse("orders:order_new")).status_code == 405
    assert client.delete(reverse("orders:order_edit", args=[number])).status_code == 405


# --- detail ----------------------------------------------------------------------


def test_order_detail_groups_requirements_by_category_and_picks_revisions(
    client, service_user, draft
):
    from requirements.services import revision_create, revision_submit

    revision_submit(revision=draft, user=service_user)
    second = revision_create(
        order=draft.order, user=service_user, answers={**COMPLETE, "quantity": 999}
    )
    revision_submit(revision=second, user=service_user)
    client.force_login(service_user)
    url = reverse("orders:order_detail", args=[draft.order.number])
    page = client.get(url).content.decode()
    assert "Delivery" in page and "Statutory / regulatory" in page
    assert "999" in page
    page = client.get(url, {"revision": 1}).content.decode()
    assert "250" in page and "999" not in page
    assert client.get(url, {"revision": 7}).status_code == 404


def _detail_query_count(client, django_assert_num_queries, order, n: int) -> None:
    url = reverse("orders:order_detail", args=[order.number])
    # session, user, user's groups (roles), order with customer/form/people,
    # its revisions (with review, its slot counts and decision: the revision
    # history and the review panel), their change notifications (revision
    # history), the shown revision's requirements with disciplines,
    # its communications (communications panel),
    # its notices that failed (the warning panel above the header), its customer
    # property (the register's panel), its disposal under retention, if any
    with django_assert_num_queries(n):
        assert client.get(url).status_code == 200


def test_order_detail_queries_do_not_grow_with_requirements(
    client, service_user, draft, django_assert_num_queries, commercial
):
    from requirements.services import revision_submit

    client.force_login(service_user)
    revision_submit(revision=draft, user=service_user)
    _detail_query_count(client, django_assert_num_queries, draft.order, 11)
    other = factories.RequirementSetFactory(
        order=draft.order, number=2, state="submitted"
    )
    for _ in range(50):
        factories.RequirementFactory(requirement_set=other, discipline=commercial)
    _detail_query_count(client, django_assert_num_queries, draft.order, 11)


def test_draft_detail_shows_answers_so_far_in_constant_queries(
    client, service_user, draft, django_assert_num_queries
):
    client.force_login(service_user)
    # + the form's questions to label the draft answers
    _detail_query_count(client, django_assert_num_queries, draft.order, 12)
    page = client.get(reverse("orders:order_detail", args=[draft.order.number]))
    assert "AX-100" in page.content.decode()


def test_new_order_page_preselects_customer_and_form_from_links(
    client, service_user, customer, intake_version
):
    client.force_login(service_user)
    response = client.get(
        reverse("orders:order_new"),
        {"customer": customer.pk, "form": "machined-parts"},
    )
    header = response.context["header"]
    assert str(header["customer"].value()) == str(customer.pk)
    assert header["form"].value() == intake_version.form.pk
    # nonsense in the link is ignored, never an error
    response = client.get(reverse("orders:order_new"), {"customer": "x", "form": "?"})
    assert response.status_code == 200
