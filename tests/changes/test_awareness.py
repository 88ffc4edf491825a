"""ISO 9001 8.2.4: the people a change concerns are made aware before it is
accepted. Awareness rules tell people outside the review; signing shows (and, when
configured, waits for) outstanding acknowledgements; the record lists who had and had
not acknowledged at signing."""

import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from pypdf import PdfReader

from orderreview import roles
from orders.models import RequirementCategory
from requirements import change_notifications
from requirements.models import AwarenessRule, ChangeNotification
from reviews.models import Decision, Review
from tests.changes.conftest import assess_all, raise_change
from tests.conftest import _user_with_role
from tests.factories import TEST_PASSWORD
from tests.signing_form import seen


@pytest.fixture
def purchaser(db):
    user = _user_with_role("purchaser", roles.MADE_AWARE)
    user.first_name, user.last_name = "Pat", "Purchasing"
    user.save()
    return user


@pytest.fixture
def delivery_rule(purchaser):
    rule = AwarenessRule.objects.create(
        name="Purchasing buys for deliveries", category=RequirementCategory.DELIVERY
    )
    rule.users.add(purchaser)
    return rule


@pytest.fixture
def changed(accepted_order, service_user, team, delivery_rule):
    """A quantity change (Production, delivery category), assessed, not signed."""
    revision = raise_change(accepted_order, service_user, {"quantity": 500})
    assess_all(Review.objects.get(requirement_set=revision), team)
    return revision


def _notified(revision) -> dict:
    return {n.user.username: n for n in revision.notifications.all()}


def _sign_post(client, approver, review, reasons: str = "Capacity booked"):
    client.force_login(approver)
    return client.post(
        reverse("reviews:decision_sign", args=[review.pk]),
        {
            "outcome": "accept",
            "reasons": reasons,
            "password": TEST_PASSWORD,
            **seen(review),
        },
    )


def test_a_rule_tells_purchasing_of_a_change_in_its_category(
    changed, purchaser, planner, service_user
):
    notified = _notified(changed)

    assert set(notified) == {"purchaser", "planner", "service"}
    assert notified["purchaser"].reason == "Made aware: Purchasing buys for deliveries"


def test_a_rule_tells_a_group_only_of_changes_in_its_discipline(
    accepted_order, service_user, commercial, production
):
    shipping = Group.objects.create(name="Shipping")
    shipper = _user_with_role("shipper", roles.MADE_AWARE)
    shipper.groups.add(shipping)
    left = _user_with_role("left", roles.MADE_AWARE)
    left.groups.add(shipping)
    left.is_active = False
    left.save()
    AwarenessRule.objects.create(
        name="Shipping packs finishes", discipline=commercial, group=shipping
    )
    AwarenessRule.objects.create(
        name="Retired rule", discipline=production, group=shipping, active=False
    )

    quantity_change = raise_change(accepted_order, service_user, {"quantity": 500})
    assert "shipper" not in _notified(quantity_change)

    review = Review.objects.get(requirement_set=quantity_change)
    finish_change = raise_change(
        review.order, service_user, {"finish": "painted"}, reason="Other colour"
    )
    notified = _notified(finish_change)
    assert notified["shipper"].reason.endswith("Made aware: Shipping packs finishes")
    assert "left" not in notified


def test_a_person_outside_the_review_reads_and_acknowledges_the_change(
    client, changed, purchaser
):
    notification = _notified(changed)["purchaser"]
    client.force_login(purchaser)
    url = reverse("requirements:notification_detail", args=[notification.pk])

    assert client.get(url).status_code == 200
    response = client.post(url, {"confirm": "on"})

    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.acknowledged_at is not None


def test_the_sign_page_lists_outstanding_acknowledgements(client, changed, approver):
    client.force_login(approver)
    review = Review.objects.get(requirement_set=changed)

    page = client.get(reverse("reviews:decision_sign", args=[review.pk]))

    text = page.content.decode()
    assert "data-outstanding-acknowledgements" in text
    assert "Pat Purchasing" in text
    assert "Made aware: Purchasing buys for deliveries" in text
    assert "you may still sign" in text


def test_with_blocking_on_a_change_is_not_accepted_until_everyone_acknowledged(
    client, settings, changed, approver, purchaser
):
    settings.CHANGE_ACKNOWLEDGEMENTS_BLOCK_SIGNING = True
    review = Review.objects.get(requirement_set=changed)

    response = _sign_post(client, approver, review)

    assert response.status_code == 200
    text = response.content.decode()
    assert "have not acknowledged it yet" in text
    assert "Pat Purchasing" in text
    # What the approver typed is still on the page; nothing was decided.
    assert "Capacity booked" in text
    assert not Decision.objects.filter(review=review).exists()
    assert Review.objects.get(pk=review.pk).state == Review.State.OPEN

    for notification in changed.notifications.all():
        change_notifications.notification_acknowledge(
            notification=notification, user=notification.user
        )
    assert _sign_post(client, approver, review).status_code == 302
    assert Decision.objects.get(review=review).outcome == Decision.Outcome.ACCEPT


def test_with_blocking_on_a_change_can_still_be_rejected(
    client, settings, changed, approver
):
    settings.CHANGE_ACKNOWLEDGEMENTS_BLOCK_SIGNING = True
    review = Review.objects.get(requirement_set=changed)
    client.force_login(approver)

    response = client.post(
        reverse("reviews:decision_sign", args=[review.pk]),
        {
            "outcome": "reject",
            "reasons": "Cannot buy that much",
            "password": TEST_PASSWORD,
            **seen(review),
        },
    )

    assert response.status_code == 302
    assert Decision.objects.get(review=review).outcome == Decision.Outcome.REJECT


def test_with_blocking_off_signing_proceeds_with_acknowledgements_outstanding(
    client, changed, approver
):
    review = Review.objects.get(requirement_set=changed)

    assert _sign_post(client, approver, review).status_code == 302
    assert Decision.objects.get(review=review).outcome == Decision.Outcome.ACCEPT


def test_the_record_and_its_pdf_list_who_had_and_had_not_acknowledged_at_signing(
    client, changed, approver, planner, purchaser, service_user
):
    notified = _notified(changed)
    change_notifications.notification_acknowledge(
        notification=notified["planner"], user=planner
    )
    review = Review.objects.get(requirement_set=changed)
    assert _sign_post(client, approver, review).status_code == 302
    # Acknowledged after the signature: still "not at signing".
    change_notifications.notification_acknowledge(
        notification=notified["purchaser"], user=purchaser
    )
    args = [changed.order.number, changed.number]

    page = client.get(reverse("reviews:acceptance_record", args=args))
    text = page.content.decode()
    acknowledged = text.split("data-acknowledgements>", 1)[1].split("</ul>", 1)[0]
    lines = {
        name: next(li for li in acknowledged.split("<li") if name in li)
        for name in (planner.printed_name, "Pat Purchasing", service_user.printed_name)
    }
    assert "not acknowledged at signing" not in lines[planner.printed_name]
    assert "acknowledged later" in lines["Pat Purchasing"]
    assert "not acknowledged at signing" in lines[service_user.printed_name]
    assert "acknowledged later" not in lines[service_user.printed_name]

    pdf = client.get(reverse("reviews:acceptance_record_pdf", args=args))
    reader = PdfReader(io.BytesIO(pdf.content))
    printed = " ".join(p.extract_text() for p in reader.pages).replace("\n", " ")
    assert "acknowledgements at signing" in printed
    assert "Pat Purchasing" in printed
    assert "NOT acknowledged at signing (acknowledged later" in printed
    assert printed.count("NOT acknowledged at signing") == 2
    assert ChangeNotification.objects.filter(revision=changed).count() == 3


def test_a_rule_tells_only_people_who_can_acknowledge(
    accepted_order, service_user, delivery_rule
):
    """Someone with no role that opens change notifications would hold an
    acknowledgement they can never give: they are not told."""
    roleless = _user_with_role("roleless")
    delivery_rule.users.add(roleless)

    revision = raise_change(accepted_order, service_user, {"quantity": 500})

    assert "roleless" not in _notified(revision)
    assert "purchaser" in _notified(revision)


def test_the_rule_form_refuses_people_who_cannot_acknowledge(purchaser):
    from requirements.admin import AwarenessRuleForm

    roleless = _user_with_role("roleless")
    roleless.first_name, roleless.last_name = "Rob", "Roleless"
    roleless.save()
    shipping = Group.objects.create(name="Shipping")
    roleless.groups.add(shipping)

    by_name = AwarenessRuleForm(
        data={"name": "Buyers", "users": [purchaser.pk, roleless.pk], "active": "on"}
    )
    by_group = AwarenessRuleForm(
        data={"name": "Shipping", "group": shipping.pk, "active": "on"}
    )
    fine = AwarenessRuleForm(
        data={"name": "Buyers", "users": [purchaser.pk], "active": "on"}
    )

    assert "Rob Roleless cannot open or acknowledge" in str(by_name.errors)
    assert "Rob Roleless cannot open or acknowledge" in str(by_group.errors)
    assert fine.is_valid(), fine.errors


def test_a_deactivated_person_does_not_block_acceptance(
    client, settings, changed, approver, purchaser
):
    settings.CHANGE_ACKNOWLEDGEMENTS_BLOCK_SIGNING = True
    for notification in changed.notifications.exclude(user=purchaser):
        change_notifications.notification_acknowledge(
            notification=notification, user=notification.user
        )
    review = Review.objects.get(requirement_set=changed)
    assert _sign_post(client, approver, review).status_code == 200

    purchaser.is_active = False
    purchaser.save()

    assert _sign_post(client, approver, review).status_code == 302


def test_a_person_only_made_aware_gets_no_link_to_the_order_page(
    client, changed, purchaser, service_user
):
    """They cannot open orders: the notification page must not send them to a 403."""
    client.force_login(purchaser)
    mine = _notified(changed)["purchaser"]
    page = client.get(reverse("requirements:notification_detail", args=[mine.pk]))
    order_url = changed.order.get_absolute_url()

    assert f'href="{order_url}"' not in page.content.decode()
    assert client.get(order_url).status_code == 403

    client.force_login(service_user)
    theirs = _notified(changed)["service"]
    page = client.get(reverse("requirements:notification_detail", args=[theirs.pk]))
    assert f'href="{order_url}"' in page.content.decode()
