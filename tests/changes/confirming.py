"""Helpers of the customer-confirmation tests: orders and changes taken by phone,
and their confirmations recorded through the real services."""

from django.utils import timezone

from communications.models import Communication
from orders.models import Channel
from requirements import change_orders, confirmations
from requirements import services as req_services
from requirements.models import RequirementSet, RevisionConfirmation
from tests import factories
from tests.changes.conftest import ANSWERS


def phone_order(version, user) -> RequirementSet:
    """A submitted order taken by phone: no documented statement."""
    revision = req_services.intake_start(
        user=user,
        form_version=version,
        channel=Channel.PHONE,
        customer=factories.CustomerFactory(),
        answers=ANSWERS,
    )
    return req_services.revision_submit(revision=revision, user=user)


def verbal_change(order, user, **kwargs) -> RequirementSet:
    """A change order by phone, with the quantity changed, submitted."""
    draft = change_orders.change_order_start(
        order=order,
        user=user,
        reason="Buyer called: 400 pieces",
        channel=Channel.PHONE,
        requested_by="Jo Buyer",
        **kwargs,
    )
    draft = req_services.revision_answers_save(
        revision=draft, user=user, answers={**draft.answers, "quantity": 400}
    )
    return req_services.revision_submit(revision=draft, user=user)


def call_about(order) -> Communication:
    return factories.CommunicationFactory(
        customer=order.customer, order=order, subject="Read back to Jo"
    )


def record_confirmation(revision, user, **kwargs) -> RevisionConfirmation:
    kwargs.setdefault("method", "Read back by phone")
    kwargs.setdefault("confirmed_at", timezone.now())
    if "communication" not in kwargs and "attachment" not in kwargs:
        kwargs["communication"] = call_about(revision.order)
    return confirmations.confirmation_record(revision=revision, user=user, **kwargs)
