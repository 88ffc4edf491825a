"""The home queue of revisions whose customer confirmation is missing (ISO 9001
8.2.3.1): exactly the submitted revisions given without a documented statement and
not yet confirmed, oldest first, whether revision 1 (the order's header says) or a
change order (the revision says). Issue 19 rewrote its query for a million orders."""

import pytest

from orders.models import Order
from requirements import confirmations
from requirements.models import RequirementSet
from tests.changes.confirming import phone_order, record_confirmation, verbal_change
from tests.changes.conftest import assess_all, sign

pytestmark = pytest.mark.django_db


def _by_the_models() -> list[int]:
    """The queue as the revision's own property says, every revision read."""
    revisions = RequirementSet.objects.select_related("order", "confirmation").order_by(
        "created_at", "pk"
    )
    return [
        r.pk
        for r in revisions
        if r.state == RequirementSet.State.SUBMITTED and r.confirmation_missing
    ]


def test_the_queue_is_every_unconfirmed_revision_oldest_first(
    change_version, service_user, team, approver
):
    waiting = phone_order(change_version, service_user)
    confirmed = phone_order(change_version, service_user)
    record_confirmation(confirmed, service_user)
    written = phone_order(change_version, service_user)
    Order.objects.filter(pk=written.order_id).update(documented_statement=True)
    # A change by phone to an accepted order: the change needs its own confirmation.
    accepted = phone_order(change_version, service_user)
    record_confirmation(accepted, service_user)
    assess_all(accepted.review, team)
    sign(accepted.review, approver)
    change = verbal_change(accepted.order, service_user)
    # The same by e-mail: documented, not in the queue.
    other = phone_order(change_version, service_user)
    record_confirmation(other, service_user)
    assess_all(other.review, team)
    sign(other.review, approver)
    verbal_change(other.order, service_user, documented_statement=True)

    queue = [r.pk for r in confirmations.confirmations_missing()]
    assert queue == [waiting.pk, change.pk]
    assert queue == _by_the_models()

    record_confirmation(change, service_user)
    assert [r.pk for r in confirmations.confirmations_missing()] == [waiting.pk]
    assert confirmations.confirmations_missing(limit=0) == []
