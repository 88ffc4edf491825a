"""Order-level confirmations recorded before they were per revision become legacy
confirmations of revision 1 when the database migrates forward: nothing recorded is
lost, the order keeps its old fields, and such an order can still be accepted."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from orders.models import Order
from requirements.models import RevisionConfirmation
from tests.changes.confirming import phone_order
from tests.changes.conftest import assess_all, sign


@pytest.mark.django_db(transaction=True)
def test_order_level_confirmations_become_legacy_confirmations_of_revision_1(
    change_version, service_user, team, approver
):
    confirmed = phone_order(change_version, service_user)
    unconfirmed = phone_order(change_version, service_user)
    when = timezone.now().replace(microsecond=0)
    call_command("migrate", "requirements", "0005", verbosity=0)
    # As the old code recorded it: on the order.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE orders_order SET confirmation_method = 'Read back by phone', "
            "confirmed_at = %s, confirmed_by_id = %s WHERE id = %s",
            [when, service_user.pk, confirmed.order_id],
        )
    # Every app, as `manage.py migrate` does: going back to requirements 0005 also
    # unapplied the later migrations of other apps that depend on requirements
    # (approval rules, quote differences).
    call_command("migrate", verbosity=0)

    legacy = RevisionConfirmation.objects.get()
    assert (
        legacy.revision_id,
        legacy.method,
        legacy.confirmed_at,
        legacy.confirmed_by,
        legacy.communication,
        legacy.legacy,
    ) == (confirmed.pk, "Read back by phone", when, service_user, None, True)
    assert legacy.history.get().history_change_reason.startswith("Copied from")
    order = Order.objects.get(pk=confirmed.order_id)
    assert (order.confirmation_method, order.confirmed_at) == (
        "Read back by phone",
        when,
    )
    # The one confirmed before is accepted as it was; the other still waits.
    assess_all(confirmed.review, team)
    decision = sign(confirmed.review, approver)
    assert decision.signatures.get().content["confirmation"]["legacy"] is True
    assert not RevisionConfirmation.objects.filter(revision=unconfirmed).exists()
