"""Change orders through the services: carry-forward, superseding, rejection,
notifications and the customer's change notice."""

import pytest
from django.core.exceptions import ValidationError

from communications.models import OutboundNotice
from orders.models import Channel, Order, RequirementCategory
from requirements import change_notifications, change_orders, selectors
from requirements import services as req_services
from requirements.models import ChangeNotification, RequirementSet
from reviews import services as review_services
from reviews.models import Assessment, Review
from tests import factories
from tests.changes.conftest import (
    assess_all,
    raise_change,
    sign,
    submitted_order,
)


def _slots(review: Review) -> dict[str, Assessment]:
    return {
        a.requirement.key: a for a in review.assessments.select_related("requirement")
    }


def test_a_change_order_starts_prefilled_with_the_accepted_answers_and_keeps_the_number(
    change_version, service_user, team, approver, engineering
):
    # The staff requirement is added while revision 1 is a draft: once submitted,
    # the database refuses any change to a revision's requirements.
    intake = req_services.intake_start(
        user=service_user,
        form_version=change_version,
        channel=Channel.PHONE,
        documented_statement=True,  # the phone order was followed by a written PO
        customer=factories.CustomerFactory(),
        answers={"part_number": "AX-100", "quantity": 250, "finish": "anodised"},
    )
    added = req_services.requirement_add(
        revision=intake,
        user=service_user,
        statement="Deburr all edges",
        category=RequirementCategory.ORGANISATION,
        discipline=engineering,
    )
    revision1 = req_services.revision_submit(revision=intake, user=service_user)
    assess_all(revision1.review, team)
    sign(revision1.review, approver)
    accepted_order = revision1.order
    accepted_order.refresh_from_db()

    draft = change_orders.change_order_start(
        order=accepted_order,
        user=service_user,
        reason="Customer wants more",
        channel=Channel.EMAIL,
        requested_by="Jo Buyer",
    )

    assert (draft.order, draft.number, draft.state) == (accepted_order, 2, "draft")
    assert draft.answers == revision1.answers
    assert (draft.reason, draft.channel, draft.requested_by) == (
        "Customer wants more",
        "email",
        "Jo Buyer",
    )
    copy = draft.requirements.get()
    assert (copy.key, copy.statement, copy.source) == (
        added.key,
        added.statement,
        "staff",
    )
    accepted_order.refresh_from_db()
    assert accepted_order.status == Order.Status.ACCEPTED


def test_a_change_order_needs_reason_channel_and_requester(
    accepted_order, service_user
):
    with pytest.raises(ValidationError) as error:
        change_orders.change_order_start(
            order=accepted_order,
            user=service_user,
            reason=" ",
            channel="pigeon",
            requested_by="",
        )
    assert set(error.value.message_dict) == {"reason", "channel", "requested_by"}
    assert accepted_order.revisions.count() == 1


def test_a_draft_or_rejected_order_cannot_be_changed(
    change_version, service_user, team, approver
):
    draft = req_services.intake_start(
        user=service_user,
        form_version=change_version,
        channel=Channel.PHONE,
        customer=factories.CustomerFactory(),
    )
    with pytest.raises(ValidationError, match="only an accepted order"):
        change_orders.change_order_start(
            order=draft.order,
            user=service_user,
            reason="x",
            channel="phone",
            requested_by="y",
        )
    rejected = submitted_order(change_version, service_user)
    sign(rejected.review, approver, "reject", "No capacity")
    with pytest.raises(ValidationError, match="only an accepted order"):
        change_orders.change_order_start(
            order=rejected.order,
            user=service_user,
            reason="x",
            channel="phone",
            requested_by="y",
        )


def test_only_one_change_order_is_drafted_at_a_time(accepted_order, service_user):
    kwargs = dict(reason="x", channel="phone", requested_by="y")
    change_orders.change_order_start(order=accepted_order, user=service_user, **kwargs)
    with pytest.raises(ValidationError, match="already has a draft"):
        change_orders.change_order_start(
            order=accepted_order, user=service_user, **kwargs
        )


def test_a_change_that_changes_nothing_is_refused(accepted_order, service_user):
    with pytest.raises(ValidationError, match="changes nothing"):
        raise_change(accepted_order, service_user, {})
    assert not Review.objects.filter(requirement_set__number=2).exists()


def test_the_diff_lists_added_removed_and_changed_with_old_and_new_values(
    accepted_order, service_user
):
    revision2 = raise_change(
        accepted_order, service_user, {"quantity": 500, "finish": None}
    )
    diff = selectors.revision_diff(revision2)

    assert diff.baseline.number == 1
    assert [(c.old.value, c.new.value) for c in diff.changed] == [(250, 500)]
    assert [r.key for r in diff.removed] == ["finish"]
    assert [r.key for r in diff.unchanged] == ["part_number"]
    assert diff.added == []


def test_re_review_carries_forward_unchanged_and_asks_only_for_changed_and_added(
    accepted_order, service_user, engineering, reviewer, planner, commercial
):
    draft = change_orders.change_order_start(
        order=accepted_order,
        user=service_user,
        reason="Bigger batch, plus marking",
        channel=Channel.EMAIL,
        requested_by="Jo Buyer",
    )
    req_services.revision_answers_save(
        revision=draft,
        user=service_user,
        answers={**draft.answers, "quantity": 500},
    )
    req_services.requirement_add(
        revision=draft,
        user=service_user,
        statement="Laser-mark the part number",
        category=RequirementCategory.STATED,
        discipline=engineering,
    )
    revision2 = req_services.revision_submit(revision=draft, user=service_user)

    review = Review.objects.get(requirement_set=revision2)
    slots = _slots(review)
    earlier = _slots(accepted_order.revisions.get(number=1).review)
    # Unchanged: the earlier verdict, linked to the assessment it came from.
    for key in ("part_number", "finish"):
        assert slots[key].verdict == "can_meet"
        assert slots[key].carried_from == earlier[key]
        assert slots[key].assessed_by == earlier[key].assessed_by
    # Changed and added: a fresh assessment from their discipline.
    assert slots["quantity"].verdict == ""
    assert slots["quantity"].carried_from is None
    marking = next(s for k, s in slots.items() if k.startswith("staff-"))
    assert (marking.verdict, marking.discipline) == ("", engineering)
    assert review.assessments.filter(verdict="").count() == 2
    accepted_order.refresh_from_db()
    # Still accepted (what was agreed holds), with its change in review.
    assert accepted_order.status == Order.Status.ACCEPTED
    assert accepted_order.change_in_review
    assert accepted_order.status_label == "Accepted — change in review"


def test_an_accepted_change_becomes_the_orders_baseline(
    accepted_order, service_user, team, approver
):
    revision2 = raise_change(accepted_order, service_user, {"quantity": 500})
    assess_all(revision2.review, team)
    sign(revision2.review, approver)

    accepted_order.refresh_from_db()
    assert accepted_order.status == Order.Status.ACCEPTED
    assert selectors.last_accepted_revision(accepted_order).number == 2
    revision3 = raise_change(accepted_order, service_user, {"finish": "polished"})
    diff = selectors.revision_diff(revision3)
    assert diff.baseline.number == 2
    assert [r.key for r in diff.unchanged] == ["part_number", "quantity"]
    # Carried from the revision 2 review: quantity's fresh verdict, not revision 1.
    carried = _slots(revision3.review)["quantity"].carried_from
    assert carried.review.requirement_set.number == 2


def test_a_rejected_change_keeps_the_order_on_its_last_accepted_revision(
    accepted_order, service_user, team, approver
):
    revision2 = raise_change(accepted_order, service_user, {"quantity": 9000})
    assess_all(revision2.review, team)
    sign(revision2.review, approver, "reject", "9000 exceeds our capacity this year")

    accepted_order.refresh_from_db()
    revision2.refresh_from_db()
    assert accepted_order.status == Order.Status.ACCEPTED
    assert revision2.state == RequirementSet.State.REJECTED
    assert revision2.review.decision.reasons == "9000 exceeds our capacity this year"
    assert selectors.last_accepted_revision(accepted_order).number == 1
    # The next change starts from the accepted answers, not the rejected ones.
    draft = change_orders.change_order_start(
        order=accepted_order,
        user=service_user,
        reason="Try 600",
        channel="phone",
        requested_by="Jo",
    )
    assert draft.answers["quantity"] == 250
    assert selectors.diff_baseline(draft).number == 1


def test_a_change_raised_during_review_supersedes_it_and_keeps_its_assessments(
    change_version, service_user, reviewer, engineering
):
    revision1 = submitted_order(change_version, service_user)
    partial = revision1.review.assessments.get(discipline=engineering)
    review_services.assessment_record(
        assessment=partial,
        user=reviewer,
        verdict="conditions",
        note="Needs drawing rev C",
        version=partial.version,
    )

    revision2 = raise_change(revision1.order, service_user, {"quantity": 300})

    revision1.refresh_from_db()
    review1 = Review.objects.get(requirement_set=revision1)
    assert review1.state == Review.State.SUPERSEDED
    assert review1.closed_at is not None
    assert revision1.state == RequirementSet.State.SUPERSEDED
    kept = review1.assessments.get(discipline=engineering)
    assert (kept.verdict, kept.note) == ("conditions", "Needs drawing rev C")
    assert review1.history.first().history_change_reason == "Superseded by revision 2"
    # Nothing was ever accepted: the new review covers every requirement.
    review2 = Review.objects.get(requirement_set=revision2)
    assert review2.assessments.count() == 3
    assert review2.assessments.filter(verdict="").count() == 3


def test_a_change_superseding_a_change_compares_with_the_accepted_revision(
    accepted_order, service_user, team, reviewer, engineering
):
    revision2 = raise_change(accepted_order, service_user, {"part_number": "AX-200"})
    slot = revision2.review.assessments.get(discipline=engineering, verdict="")
    review_services.assessment_record(
        assessment=slot, user=reviewer, verdict="can_meet", note="", version=0
    )

    revision3 = raise_change(accepted_order, service_user, {"quantity": 400})

    revision2.refresh_from_db()
    assert revision2.state == RequirementSet.State.SUPERSEDED
    diff = selectors.revision_diff(revision3)
    assert diff.baseline.number == 1
    assert sorted(c.new.key for c in diff.changed) == ["part_number", "quantity"]
    # Part number was only assessed in the superseded review: not yet accepted, so
    # it is assessed again; finish is carried forward from the accepted revision 1.
    slots = _slots(revision3.review)
    assert slots["part_number"].verdict == ""
    assert slots["quantity"].verdict == ""
    assert slots["finish"].carried_from.review.requirement_set.number == 1


def test_affected_reviewers_and_the_owner_are_notified_and_acknowledge(
    accepted_order, service_user, planner, reviewer, approver
):
    revision2 = raise_change(accepted_order, service_user, {"quantity": 500})

    notified = {n.user: n for n in revision2.notifications.all()}
    # Production's reviewer (the quantity changed) and the order's owner only.
    assert set(notified) == {planner, service_user}
    assert "Production" in notified[planner].reason
    assert "entered the order" in notified[service_user].reason
    assert all(n.acknowledged_at is None for n in notified.values())

    with pytest.raises(ValidationError, match="Only the person notified"):
        change_notifications.notification_acknowledge(
            notification=notified[planner], user=reviewer
        )
    done = change_notifications.notification_acknowledge(
        notification=notified[planner], user=planner
    )
    assert done.acknowledged_at is not None
    assert done.history.first().history_user == planner
    with pytest.raises(ValidationError, match="already acknowledged"):
        change_notifications.notification_acknowledge(notification=done, user=planner)
    assert selectors.unacknowledged_count(service_user) == 1
    assert selectors.unacknowledged_count(planner) == 0


def test_removing_a_requirement_notifies_its_disciplines_reviewers(
    accepted_order, service_user, approver, planner
):
    revision2 = raise_change(accepted_order, service_user, {"finish": None})
    users = set(n.user for n in ChangeNotification.objects.filter(revision=revision2))
    assert users == {approver, service_user}


def test_the_customer_gets_a_change_notice_when_the_change_is_decided(
    accepted_order, service_user, team, approver, django_capture_on_commit_callbacks
):
    accepted_order.customer.email = "buyer@example.com"
    accepted_order.customer.save()
    revision2 = raise_change(accepted_order, service_user, {"quantity": 500})
    assess_all(revision2.review, team)
    assert not OutboundNotice.objects.filter(kind="change").exists()

    sign(revision2.review, approver)

    notice = OutboundNotice.objects.get(kind="change")
    assert (notice.order, notice.revision_number) == (accepted_order, 2)
    assert notice.to_address == "buyer@example.com"


def test_hand_added_requirements_of_a_change_can_be_edited_and_removed(
    accepted_order, service_user, engineering, quality
):
    draft = change_orders.change_order_start(
        order=accepted_order,
        user=service_user,
        reason="x",
        channel="phone",
        requested_by="y",
    )
    added = req_services.requirement_add(
        revision=draft,
        user=service_user,
        statement="Pack in VCI bags",
        category=RequirementCategory.DELIVERY,
        discipline=engineering,
    )
    req_services.requirement_update(
        requirement=added,
        user=service_user,
        statement="Pack in VCI bags of 10",
        category=RequirementCategory.DELIVERY,
        discipline=quality,
    )
    added.refresh_from_db()
    assert (added.statement, added.discipline) == ("Pack in VCI bags of 10", quality)
    req_services.requirement_remove(requirement=added, user=service_user)
    assert not draft.requirements.exists()


def test_a_change_order_draft_can_be_discarded(accepted_order, service_user):
    draft = change_orders.change_order_start(
        order=accepted_order,
        user=service_user,
        reason="x",
        channel="phone",
        requested_by="y",
    )
    change_orders.change_order_discard(revision=draft, user=service_user)
    assert list(accepted_order.revisions.values_list("number", flat=True)) == [1]
    with pytest.raises(ValidationError, match="first revision"):
        first = req_services.intake_start(
            user=service_user,
            form_version=accepted_order.form_version,
            channel="phone",
            customer=accepted_order.customer,
        )
        change_orders.change_order_discard(revision=first, user=service_user)
