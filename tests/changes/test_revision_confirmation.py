"""ISO 9001 8.2.3.1: each revision given without a documented statement (a phone
order, a change by phone) needs its own customer confirmation, dated between the
revision's entry and now, linked to the conversation it happened in, before it can
be accepted."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from communications.attachments import attachment_add
from communications.models import Communication
from requirements.models import RequirementSet, RevisionConfirmation
from tests.changes.confirming import (
    call_about,
    phone_order,
    record_confirmation,
    verbal_change,
)
from tests.changes.conftest import assess_all, sign

pytestmark = pytest.mark.django_db

MINUTE = "%Y-%m-%dT%H:%M"


# --- the date ----------------------------------------------------------------------


def test_a_confirmation_before_the_revision_was_entered_is_refused_beside_the_date(
    change_version, service_user
):
    revision = phone_order(change_version, service_user)
    with pytest.raises(ValidationError) as refused:
        record_confirmation(
            revision,
            service_user,
            confirmed_at=revision.created_at - datetime.timedelta(minutes=2),
        )
    assert list(refused.value.error_dict) == ["confirmed_at"]
    assert "before the order was entered" in refused.value.messages[0]
    assert not RevisionConfirmation.objects.exists()


def test_a_confirmation_in_the_future_is_refused_beside_the_date(
    change_version, service_user
):
    revision = phone_order(change_version, service_user)
    with pytest.raises(ValidationError) as refused:
        record_confirmation(
            revision,
            service_user,
            confirmed_at=timezone.now() + datetime.timedelta(minutes=2),
        )
    assert refused.value.message_dict == {
        "confirmed_at": ["The confirmation cannot be in the future."]
    }


def test_a_change_is_confirmed_after_its_own_entry_not_the_orders(
    change_version, service_user, team, approver
):
    first = phone_order(change_version, service_user)
    record_confirmation(first, service_user)
    assess_all(first.review, team)
    sign(first.review, approver)
    change = verbal_change(first.order, service_user)
    with pytest.raises(ValidationError, match="before revision 2 was entered"):
        record_confirmation(
            change,
            service_user,
            confirmed_at=change.created_at - datetime.timedelta(minutes=1),
        )
    assert record_confirmation(change, service_user).revision == change


# --- the link ----------------------------------------------------------------------


def test_a_confirmation_needs_a_communication_of_the_same_order(
    change_version, service_user
):
    revision = phone_order(change_version, service_user)
    with pytest.raises(ValidationError) as refused:
        record_confirmation(revision, service_user, communication=None)
    assert list(refused.value.error_dict) == ["communication"]
    other = phone_order(change_version, service_user).order
    with pytest.raises(ValidationError, match="about another order"):
        record_confirmation(revision, service_user, communication=call_about(other))
    assert not RevisionConfirmation.objects.exists()


def test_a_file_of_a_communication_links_the_confirmation_to_both(
    change_version, service_user
):
    revision = phone_order(change_version, service_user)
    call = call_about(revision.order)
    attachment = attachment_add(
        communication=call,
        upload=SimpleUploadedFile("notes.pdf", b"%PDF-1.4 read back"),
        user=service_user,
    )
    confirmation = record_confirmation(revision, service_user, attachment=attachment)
    assert (confirmation.attachment, confirmation.communication) == (attachment, call)


def test_the_database_refuses_a_confirmation_without_a_link_unless_legacy(
    change_version, service_user
):
    revision = phone_order(change_version, service_user)
    row = {
        "revision": revision,
        "method": "Phone",
        "confirmed_at": timezone.now(),
        "confirmed_by": service_user,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        RevisionConfirmation.objects.create(**row)
    with pytest.raises(IntegrityError), transaction.atomic():
        RevisionConfirmation.objects.create(
            **{**row, "confirmed_by": None, "communication": call_about(revision.order)}
        )
    assert RevisionConfirmation.objects.create(**row, legacy=True).legacy


def test_the_database_refuses_changing_the_confirmation_of_a_decided_revision(
    change_version, service_user, team, approver
):
    revision = phone_order(change_version, service_user)
    confirmation = record_confirmation(revision, service_user)
    assess_all(revision.review, team)
    sign(revision.review, approver)
    for sql in (
        "UPDATE requirements_revisionconfirmation SET method = 'x' WHERE id = %s",
        "DELETE FROM requirements_revisionconfirmation WHERE id = %s",
    ):
        with (
            pytest.raises(IntegrityError),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [confirmation.pk])
    with pytest.raises(ValidationError, match="is accepted"):
        record_confirmation(revision, service_user)


def test_the_database_refuses_changing_whether_a_submitted_change_was_written(
    change_version, service_user, team, approver
):
    first = phone_order(change_version, service_user)
    record_confirmation(first, service_user)
    assess_all(first.review, team)
    sign(first.review, approver)
    change = verbal_change(first.order, service_user)
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE requirements_requirementset SET documented_statement = TRUE "
            "WHERE id = %s",
            [change.pk],
        )


# --- the blocker and verbal change orders -------------------------------------


def test_acceptance_is_refused_until_the_revision_under_review_is_confirmed(
    change_version, service_user, team, approver
):
    revision = phone_order(change_version, service_user)
    assess_all(revision.review, team)
    with pytest.raises(ValidationError, match="customer service records"):
        sign(revision.review, approver)
    record_confirmation(revision, service_user)
    assert sign(revision.review, approver).outcome == "accept"


def test_a_verbal_change_order_needs_its_own_confirmation(
    client, change_version, service_user, team, approver
):
    first = phone_order(change_version, service_user)
    record_confirmation(first, service_user)
    assess_all(first.review, team)
    sign(first.review, approver)
    change = verbal_change(first.order, service_user)
    assert change.documented_statement is False
    assess_all(change.review, team)
    with pytest.raises(ValidationError, match="revision 2 came without"):
        sign(change.review, approver)
    client.force_login(approver)
    page = client.get(reverse("reviews:decision_sign", args=[change.review.pk]))
    text = page.content.decode()
    assert "revision 2 came without a documented statement" in text
    order_url = reverse("orders:order_detail", args=[change.order.number])
    assert f'href="{order_url}" data-confirmation-link' in text
    client.force_login(service_user)
    order_page = client.get(order_url).content.decode()
    button = reverse("orders:revision_confirmation", args=[change.order.number, 2])
    assert button in order_page
    record_confirmation(change, service_user)
    assert sign(change.review, approver).outcome == "accept"


def test_a_change_in_writing_needs_no_confirmation(
    change_version, service_user, team, approver
):
    first = phone_order(change_version, service_user)
    record_confirmation(first, service_user)
    assess_all(first.review, team)
    sign(first.review, approver)
    change = verbal_change(first.order, service_user, documented_statement=True)
    assess_all(change.review, team)
    assert sign(change.review, approver).outcome == "accept"
    assert not RevisionConfirmation.objects.filter(revision=change).exists()


def test_the_change_form_asks_whether_a_phone_change_was_written(
    client, change_version, service_user, team, approver
):
    first = phone_order(change_version, service_user)
    record_confirmation(first, service_user)
    assess_all(first.review, team)
    sign(first.review, approver)
    client.force_login(service_user)
    url = reverse("requirements:change_new", args=[first.order.number])
    base = {"reason": "More", "requested_by": "Jo Buyer"}
    response = client.post(url, {**base, "channel": "phone"})
    assert response.status_code == 200
    assert response.context["form"].errors["documented_statement"] == [
        "The change came by phone or in person: say whether the customer also "
        "gave it in writing."
    ]
    assert 'value="Jo Buyer"' in response.content.decode()
    # By e-mail it is written unless said otherwise.
    assert client.post(url, {**base, "channel": "email"}).status_code == 302
    assert RequirementSet.objects.get(number=2).documented_statement is True


# --- the page ------------------------------------------------------------------


def test_the_page_records_a_new_conversation_with_the_confirmation(
    client, change_version, service_user
):
    revision = phone_order(change_version, service_user)
    client.force_login(service_user)
    url = reverse("orders:revision_confirmation", args=[revision.order.number, 1])
    now = timezone.localtime().strftime(MINUTE)
    response = client.post(
        url,
        {
            "method": "Read back by phone",
            "confirmed_at": now,
            "new_subject": "Requirements read back to Jo",
            "new_channel": "phone",
        },
    )
    assert response.status_code == 302
    confirmation = RevisionConfirmation.objects.get(revision=revision)
    call = confirmation.communication
    assert (call.order, call.direction, call.subject) == (
        revision.order,
        "in",
        "Requirements read back to Jo",
    )
    assert call.occurred_at == confirmation.confirmed_at
    assert call.history.get().history_user == service_user
    assert confirmation.history.get().history_user == service_user
    page = client.get(reverse("orders:order_detail", args=[revision.order.number]))
    assert "see communication" in page.content.decode()


def test_the_page_links_an_existing_communication_and_keeps_what_was_typed(
    client, change_version, service_user
):
    revision = phone_order(change_version, service_user)
    call = call_about(revision.order)
    client.force_login(service_user)
    url = reverse("orders:revision_confirmation", args=[revision.order.number, 1])
    page = client.get(url).content.decode()
    assert f'value="c{call.pk}"' in page
    typed = {"method": "Confirmed on the call {{ x }}", "confirmed_at": "2000-01-01"}
    response = client.post(url, {**typed, "link": f"c{call.pk}"})
    assert response.status_code == 200
    assert (
        "before the order was entered"
        in response.context["form"].errors["confirmed_at"][0]
    )
    text = response.content.decode()
    assert 'value="Confirmed on the call {{ x }}"' in text
    assert f'<option value="c{call.pk}" selected>' in text
    # Neither a communication nor a new one: said beside the choice.
    response = client.post(url, {"method": "x", "confirmed_at": typed["confirmed_at"]})
    assert "Choose the communication" in response.context["form"].errors["link"][0]
    assert not Communication.objects.exclude(pk=call.pk).exists()
    response = client.post(
        url,
        {
            "method": "Confirmed on the call",
            "confirmed_at": timezone.localtime().strftime(MINUTE),
            "link": f"c{call.pk}",
        },
    )
    assert response.status_code == 302
    assert RevisionConfirmation.objects.get().communication == call


def test_a_new_conversation_refused_by_its_own_rules_writes_nothing(
    client, change_version, service_user
):
    revision = phone_order(change_version, service_user)
    client.force_login(service_user)
    url = reverse("orders:revision_confirmation", args=[revision.order.number, 1])
    response = client.post(
        url,
        {
            "method": "Read back",
            "confirmed_at": timezone.localtime().strftime(MINUTE),
            "new_subject": "Read back",
            "new_channel": "phone",
            "new_occurred_at": (
                timezone.localtime() + datetime.timedelta(days=2)
            ).strftime(MINUTE),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_occurred_at"] == [
        "This date is in the future."
    ]
    assert not Communication.objects.exists()
    assert not RevisionConfirmation.objects.exists()


def test_a_revision_with_a_documented_statement_offers_no_form(
    client, change_version, service_user
):
    revision = phone_order(change_version, service_user)
    revision.order.documented_statement = True
    revision.order.save()
    client.force_login(service_user)
    url = reverse("orders:revision_confirmation", args=[revision.order.number, 1])
    response = client.get(url)
    assert "needs no customer confirmation" in response.content.decode()
    assert not response.context["recordable"]
    response = client.post(
        url,
        {
            "method": "x",
            "confirmed_at": timezone.localtime().strftime(MINUTE),
            "link": "",
            "new_subject": "x",
        },
    )
    assert response.status_code == 200
    assert not RevisionConfirmation.objects.exists()


def test_the_confirmation_page_answers_only_customer_service(
    client, change_version, service_user, reviewer, approver, auditor, no_role_user
):
    revision = phone_order(change_version, service_user)
    url = reverse("orders:revision_confirmation", args=[revision.order.number, 1])
    assert client.get(url)["Location"].startswith(reverse("login"))
    for user in (reviewer, approver, auditor, no_role_user):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403
    client.force_login(service_user)
    assert client.get(url).status_code == 200
    assert client.put(url).status_code == 405
    missing = reverse("orders:revision_confirmation", args=[revision.order.number, 9])
    assert client.get(missing).status_code == 404
    unknown = reverse("orders:revision_confirmation", args=["SO-1999-000001", 1])
    assert client.get(unknown).status_code == 404
