import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from orderreview import events
from orders import services
from orders.models import Channel, Order, PortalLink, RequirementCategory
from requirements import confirmations
from requirements import services as req_services
from requirements.models import Requirement, RequirementSet, RevisionConfirmation
from tests import factories
from tests.intake.conftest import COMPLETE

pytestmark = pytest.mark.django_db


def test_order_numbers_come_from_the_sequence_in_the_house_format():
    first, second = services.order_number_next(), services.order_number_next()
    year = timezone.now().year
    assert re.fullmatch(rf"SO-{year}-\d{{6}}", first)
    assert int(second[-6:]) == int(first[-6:]) + 1


@pytest.mark.parametrize("channel", Channel.values)
def test_intake_start_creates_a_draft_order_and_revision_one_for_every_channel(
    intake_version, customer, service_user, channel
):
    revision = req_services.intake_start(
        user=service_user,
        form_version=intake_version,
        channel=channel,
        customer=customer,
        answers={"part_number": "half typed"},
    )
    order = revision.order
    assert order.status == Order.Status.DRAFT
    assert order.channel == channel
    assert order.entered_by == service_user
    assert revision.number == 1
    assert revision.state == RequirementSet.State.DRAFT
    assert revision.answers == {"part_number": "half typed"}


def test_intake_start_can_create_the_customer_inline(intake_version, service_user):
    revision = req_services.intake_start(
        user=service_user,
        form_version=intake_version,
        channel=Channel.EMAIL,
        new_customer={"name": "New Co", "account_code": "NEW-1"},
    )
    assert revision.order.customer.name == "New Co"


def test_orders_need_a_published_form(customer, service_user):
    draft_version = factories.OrderFormVersionFactory()
    with pytest.raises(ValidationError, match="not in use"):
        req_services.intake_start(
            user=service_user,
            form_version=draft_version,
            channel=Channel.PHONE,
            customer=customer,
        )
    assert not Order.objects.exists()


def test_submit_refuses_an_incomplete_revision_and_changes_nothing(draft, service_user):
    req_services.revision_answers_save(
        revision=draft, user=service_user, answers={"part_number": "AX-1"}
    )
    with pytest.raises(ValidationError, match="Quantity"):
        req_services.revision_submit(revision=draft, user=service_user)
    draft.refresh_from_db()
    assert draft.state == RequirementSet.State.DRAFT
    assert draft.order.status == Order.Status.DRAFT
    assert not draft.requirements.exists()


def test_a_required_question_hidden_by_its_rule_is_not_needed(draft, service_user):
    answers = {**COMPLETE, "needs_certificate": False}
    del answers["certificate_type"]
    req_services.revision_answers_save(
        revision=draft, user=service_user, answers=answers
    )
    req_services.revision_submit(revision=draft, user=service_user)
    assert draft.requirements.count() == 3


def test_a_required_question_shown_by_its_rule_is_needed(draft, service_user):
    answers = dict(COMPLETE)
    del answers["certificate_type"]
    req_services.revision_answers_save(
        revision=draft, user=service_user, answers=answers
    )
    with pytest.raises(ValidationError, match="Certificate type"):
        req_services.revision_submit(revision=draft, user=service_user)


def test_submit_creates_one_requirement_per_answer_and_keeps_staff_ones(
    draft, service_user, commercial
):
    req_services.requirement_add(
        revision=draft,
        user=service_user,
        statement="Export licence for the destination",
        category=RequirementCategory.STATUTORY,
        discipline=commercial,
    )
    seen = []

    def receiver(sender, revision, **kwargs):
        seen.append((revision.pk, revision.state, revision.order.status))

    events.revision_submitted.connect(receiver)
    try:
        req_services.revision_submit(revision=draft, user=service_user)
    finally:
        events.revision_submitted.disconnect(receiver)

    draft.refresh_from_db()
    order = draft.order
    assert draft.state == RequirementSet.State.SUBMITTED
    assert draft.submitted_by == service_user
    assert order.status == Order.Status.AWAITING_REVIEW
    assert order.submitted_at is not None
    assert seen == [(draft.pk, "submitted", "awaiting_review")]
    by_key = {r.key: r for r in draft.requirements.select_related("discipline")}
    assert set(by_key) - {"part_number", "quantity", "needs_certificate"} == {
        "certificate_type",
        next(k for k in by_key if k.startswith("staff-")),
    }
    quantity = by_key["quantity"]
    assert quantity.statement == "Quantity"
    assert quantity.value == 250
    assert quantity.category == RequirementCategory.DELIVERY
    assert quantity.discipline.slug == "production"
    assert quantity.source == Requirement.Source.FORM
    assert by_key["certificate_type"].category == RequirementCategory.STATUTORY
    staff = [r for r in by_key.values() if r.source == Requirement.Source.STAFF]
    assert [r.statement for r in staff] == ["Export licence for the destination"]


def test_a_submitted_revision_cannot_be_submitted_or_changed_again(
    draft, service_user, quality
):
    req_services.revision_submit(revision=draft, user=service_user)
    with pytest.raises(ValidationError, match="already submitted"):
        req_services.revision_submit(revision=draft, user=service_user)
    with pytest.raises(ValidationError):
        req_services.revision_answers_save(
            revision=draft, user=service_user, answers={}
        )
    with pytest.raises(ValidationError):
        req_services.requirement_add(
            revision=draft,
            user=service_user,
            statement="x",
            category=RequirementCategory.STATED,
            discipline=quality,
        )


def test_a_later_revision_reuses_the_same_submit(draft, service_user):
    req_services.revision_submit(revision=draft, user=service_user)
    second = req_services.revision_create(
        order=draft.order,
        user=service_user,
        answers={**COMPLETE, "quantity": 300},
        reason="Customer wants more",
        channel=Channel.EMAIL,
    )
    assert second.number == 2
    req_services.revision_submit(revision=second, user=service_user)
    assert second.requirements.get(key="quantity").value == 300
    assert draft.requirements.get(key="quantity").value == 250


def test_a_catalog_request_waits_for_staff_to_confirm_the_customer(
    intake_version, customer, service_user
):
    revision = req_services.catalog_request_create(
        form_version=intake_version,
        contact={"name": "Jo Visitor", "company": "Visit Ltd", "email": "jo@v.test"},
        answers=COMPLETE,
    )
    order = revision.order
    assert order.channel == Channel.WEB_PORTAL
    assert order.customer_to_confirm
    assert order.contact_details["email"] == "jo@v.test"
    assert order.entered_by is None
    with pytest.raises(ValidationError, match="Confirm who the customer is"):
        req_services.revision_submit(revision=revision, user=service_user)
    services.order_header_update(
        order=order, user=service_user, customer=customer, channel=Channel.WEB_PORTAL
    )
    req_services.revision_submit(revision=revision, user=service_user)
    assert {r.source for r in revision.requirements.all()} == {
        Requirement.Source.PORTAL
    }


def _submitted_with_call(draft, user):
    req_services.revision_submit(revision=draft, user=user)
    call = factories.CommunicationFactory(
        customer=draft.order.customer, order=draft.order
    )
    return draft, call


def test_confirmation_records_how_when_and_who(draft, service_user):
    revision, call = _submitted_with_call(draft, service_user)
    when = revision.created_at.replace(second=0, microsecond=0)
    confirmations.confirmation_record(
        revision=revision,
        user=service_user,
        method="Read back by phone",
        confirmed_at=when,
        communication=call,
    )
    confirmation = RevisionConfirmation.objects.get(revision=revision)
    assert (
        confirmation.method,
        confirmation.confirmed_at,
        confirmation.confirmed_by,
        confirmation.communication,
    ) == ("Read back by phone", when, service_user, call)
    with pytest.raises(ValidationError, match="future"):
        confirmations.confirmation_record(
            revision=revision,
            user=service_user,
            method="x",
            confirmed_at=timezone.now() + datetime.timedelta(days=1),
            communication=call,
        )


def test_a_confirmation_dated_before_the_order_was_entered_is_refused(
    draft, service_user
):
    revision, call = _submitted_with_call(draft, service_user)
    with pytest.raises(ValidationError, match="before the order was entered"):
        confirmations.confirmation_record(
            revision=revision,
            user=service_user,
            method="Read back by phone",
            confirmed_at=revision.created_at - datetime.timedelta(days=2),
            communication=call,
        )
    assert not RevisionConfirmation.objects.exists()


def test_a_portal_link_stores_only_a_hash_of_its_token(draft, service_user):
    link, token = services.portal_link_create(order=draft.order, user=service_user)
    assert token not in link.token_hash
    assert link.token_hash == services.token_hash(token)
    assert not PortalLink.objects.filter(token_hash=token).exists()
    assert link.expires_at > timezone.now() + datetime.timedelta(days=13)
    services.portal_link_revoke(link=link, user=service_user)
    with pytest.raises(ValidationError, match="already revoked"):
        services.portal_link_revoke(link=link, user=service_user)


def test_customer_account_codes_are_unique_regardless_of_case(service_user, customer):
    with pytest.raises(ValidationError) as error:
        services.customer_create(
            user=service_user, data={"name": "Copy", "account_code": "acme-1"}
        )
    assert "account_code" in error.value.error_dict


def test_a_link_revoked_while_the_customer_types_saves_nothing(draft, service_user):
    link, _ = services.portal_link_create(order=draft.order, user=service_user)
    services.portal_link_revoke(link=link, user=service_user)
    with pytest.raises(ValidationError, match="no longer valid"):
        req_services.portal_answers_save(
            link=link, answers={"notes": "x"}, submit=False
        )
    draft.refresh_from_db()
    assert "notes" not in draft.answers
