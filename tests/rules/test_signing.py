"""Signing enforces the approval rules: final only when every rule that applies is
satisfied, each signature by a different person, linked into the one chain."""

import pytest
from django.core.exceptions import ValidationError

from orderreview import roles
from orders.models import Order
from reviews import approval, countersigning, signing
from reviews.models import ApprovalSnapshot, Review, Signature
from tests.factories import TEST_PASSWORD
from tests.rules.conftest import assess_all, review_with, rule, sign

pytestmark = pytest.mark.django_db


def countersign(review, signer, password=TEST_PASSWORD):
    return countersigning.decision_countersign(
        review=review, signer=signer, password=password
    )


@pytest.fixture
def ready(engineering, commercial, by):
    return assess_all(review_with({"thickness": "20"}, engineering, commercial), by)


def test_without_rules_one_signature_is_final(ready, approver):
    sign(ready, approver)
    ready.refresh_from_db()
    assert ready.state == Review.State.DECIDED
    snapshot = ApprovalSnapshot.objects.get(signature__decision__review=ready)
    assert snapshot.rules == [] and snapshot.satisfied


def test_two_person_rule_holds_the_acceptance_until_a_second_approver_signs(
    ready, approver, second_approver
):
    rule(name="Four eyes", approvers_required=2)
    sign(ready, approver)
    ready.refresh_from_db()
    assert ready.state == Review.State.SIGNING
    assert ready.order.status == Order.Status.IN_REVIEW
    assert countersigning.awaiting(ready) == ["Four eyes: needs 1 more approver(s)"]
    countersign(ready, second_approver)
    ready.refresh_from_db()
    assert ready.state == Review.State.DECIDED
    assert ready.order.status == Order.Status.ACCEPTED
    signatures = list(ready.decision.signatures.order_by("pk"))
    assert [s.signer for s in signatures] == [approver, second_approver]
    assert signatures[1].previous_hash == signatures[0].signature_hash
    final = signatures[1].approval
    assert final.satisfied
    assert final.rules[0]["approved_by"] == [
        approver.printed_name,
        second_approver.printed_name,
    ]
    assert signing.chain_verify(Signature.objects.order_by("pk")).ok


def test_rule_that_does_not_apply_needs_no_second_approver(ready, approver):
    rule(
        approvers_required=2,
        conditions=[
            {
                "kind": "answer_compared",
                "question": "thickness",
                "operator": "gt",
                "number": "50",
            }
        ],
    )
    sign(ready, approver)
    ready.refresh_from_db()
    assert ready.state == Review.State.DECIDED


def test_a_rejection_is_final_with_one_signature(ready, approver):
    rule(approvers_required=3)
    sign(ready, approver, outcome="reject", reasons="No furnace")
    ready.refresh_from_db()
    assert ready.state == Review.State.DECIDED


def test_nobody_signs_twice(ready, approver):
    rule(approvers_required=2)
    sign(ready, approver)
    with pytest.raises(ValidationError, match="already signed"):
        countersign(ready, approver)
    assert ready.decision.signatures.count() == 1


def test_a_second_fresh_decision_is_refused_while_awaiting_approvers(
    ready, approver, second_approver
):
    rule(approvers_required=2)
    sign(ready, approver)
    with pytest.raises(ValidationError, match="countersign"):
        sign(ready, second_approver)


def test_the_person_who_entered_the_order_signs_none(ready, approver, settings):
    rule(approvers_required=2)
    sign(ready, approver)
    entered = ready.order.entered_by
    entered.groups.add(*roles_groups(roles.APPROVER))
    entered._orderreview_roles = None
    with pytest.raises(ValidationError, match="segregation of duties"):
        countersign(ready, entered)
    settings.REVIEW_ALLOW_SELF_APPROVAL = True
    countersign(ready, entered)
    ready.refresh_from_db()
    assert ready.state == Review.State.DECIDED


def roles_groups(*names):
    from django.contrib.auth.models import Group

    return Group.objects.filter(name__in=names)


def test_a_wrong_password_signs_nothing(ready, approver, second_approver):
    rule(approvers_required=2)
    sign(ready, approver)
    with pytest.raises(ValidationError, match="password is not correct"):
        countersign(ready, second_approver, password="wrong")
    assert ready.decision.signatures.count() == 1


def test_only_an_approver_countersigns(ready, approver, reviewer):
    rule(approvers_required=2)
    sign(ready, approver)
    with pytest.raises(ValidationError, match="Only an approver"):
        countersign(ready, reviewer)


def test_countersigning_a_final_decision_is_refused(ready, approver, second_approver):
    sign(ready, approver)
    with pytest.raises(ValidationError, match="no longer waits"):
        countersign(ready, second_approver)


def test_a_named_role_must_be_among_the_signers(
    ready, approver, second_approver, quality_manager
):
    rule(name="QM signs", role_required=roles.AUDITOR)
    sign(ready, approver)
    ready.refresh_from_db()
    assert ready.state == Review.State.SIGNING
    assert countersigning.awaiting(ready) == [
        "QM signs: needs an approver holding the role Auditor"
    ]
    countersign(ready, second_approver)
    ready.refresh_from_db()
    assert ready.state == Review.State.SIGNING
    countersign(ready, quality_manager)
    ready.refresh_from_db()
    assert ready.state == Review.State.DECIDED
    final = ready.decision.signatures.order_by("pk").last().approval
    assert final.rules[0]["role_held_by"] == quality_manager.printed_name


def test_the_role_holder_signing_first_satisfies_the_role(ready, quality_manager):
    rule(role_required=roles.AUDITOR)
    sign(ready, quality_manager)
    ready.refresh_from_db()
    assert ready.state == Review.State.DECIDED


def test_every_applicable_rule_must_be_satisfied(
    ready, approver, second_approver, quality_manager
):
    rule(name="A two", approvers_required=2)
    rule(name="B qm", role_required=roles.AUDITOR)
    sign(ready, approver)
    countersign(ready, second_approver)
    ready.refresh_from_db()
    assert ready.state == Review.State.SIGNING
    assert countersigning.awaiting(ready) == [
        "B qm: needs an approver holding the role Auditor"
    ]
    countersign(ready, quality_manager)
    ready.refresh_from_db()
    assert ready.state == Review.State.DECIDED


def test_assessments_are_frozen_while_awaiting_approvers(
    ready, approver, reviewer, engineering
):
    from tests.rules.conftest import assess

    rule(approvers_required=2)
    sign(ready, approver)
    with pytest.raises(ValidationError, match="closed"):
        assess(
            ready.assessments.filter(discipline=engineering).first(),
            reviewer,
            "cannot_meet",
            "changed mind",
        )


def test_the_snapshot_keeps_the_rule_as_it_was_when_signed(
    ready, approver, second_approver
):
    saved = rule(name="Four eyes", approvers_required=2)
    sign(ready, approver)
    countersign(ready, second_approver)
    saved.name = "Renamed"
    saved.approvers_required = 5
    saved.save()
    snapshot = ready.decision.signatures.order_by("pk").last().approval
    assert snapshot.rules[0]["name"] == "Four eyes"
    assert snapshot.rules[0]["approvers_required"] == 2
    assert approval.snapshot_intact(snapshot)


def test_an_edited_snapshot_no_longer_verifies(ready, approver):
    rule(name="Any")
    sign(ready, approver)
    snapshot = ApprovalSnapshot.objects.get(signature__decision__review=ready)
    snapshot.rules[0]["name"] = "Forged"
    assert not approval.snapshot_intact(snapshot)


def test_a_change_order_is_held_by_a_rule_for_change_orders(
    engineering, commercial, by, approver, second_approver
):
    from requirements.models import RequirementSet
    from tests.rules.conftest import submit_revision

    first = assess_all(review_with({}, engineering, commercial), by)
    sign(first, approver)
    rule(name="Changes", applies_to=["changes"], approvers_required=2)
    revision = RequirementSet.objects.create(
        order=first.order,
        number=2,
        created_by=first.order.entered_by,
        submitted_by=first.order.entered_by,
        state=RequirementSet.State.SUBMITTED,
        reason="More parts",
    )
    change = assess_all(submit_revision(engineering, commercial, revision=revision), by)
    sign(change, approver)
    change.refresh_from_db()
    assert change.state == Review.State.SIGNING
    countersign(change, second_approver)
    change.refresh_from_db()
    assert change.state == Review.State.DECIDED


def test_verification_accepts_an_acceptance_awaiting_approvers(
    ready, approver, second_approver
):
    from reviews import selectors

    rule(approvers_required=2)
    sign(ready, approver)
    assert selectors.state_failures() == []
    countersign(ready, second_approver)
    assert selectors.state_failures() == []
    assert selectors.chain_report().ok


def test_verification_finds_an_acceptance_made_final_around_the_rules(ready, approver):
    from django.db import connection

    from reviews import selectors

    rule(approvers_required=2)
    sign(ready, approver)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reviews_review SET state = 'decided' WHERE id = %s", [ready.pk]
        )
    failures = selectors.state_failures()
    assert any(
        "no signature of" in f and "satisfied the approval rules" in f for f in failures
    )
