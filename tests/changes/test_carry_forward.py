"""What a change order compares and which verdicts it carries forward: one test
per compared field, the baseline of each order kept apart, and nothing carried
from a rejected change (issue 13 item 10)."""

import pytest

from reviews import opening
from reviews.models import Assessment
from tests.changes.conftest import assess_all, raise_change, sign, submitted_order

pytestmark = pytest.mark.django_db


def _verdicts(review) -> dict[str, Assessment]:
    return {
        a.requirement.key: a
        for a in review.assessments.select_related("requirement", "carried_from")
    }


def test_each_order_carries_forward_from_its_own_baseline_only(
    change_version, service_user, team, approver
):
    first = submitted_order(change_version, service_user)
    assess_all(first.review, team, verdict="conditions")
    sign(first.review, approver)
    second = submitted_order(change_version, service_user)
    assess_all(second.review, team)
    sign(second.review, approver)

    change = raise_change(second.order, service_user, {"quantity": 500})

    carried = opening.carry_forward_from_previous(revision=change)
    assert carried  # part number and finish hold
    assert {a.review_id for a in carried.values()} == {second.review.pk}
    slots = _verdicts(change.review)
    assert slots["part_number"].verdict == "can_meet"
    assert slots["part_number"].carried_from.review_id == second.review.pk
    assert slots["quantity"].verdict == ""


def test_a_change_after_a_rejected_change_carries_nothing_from_the_rejected_review(
    accepted_order, service_user, team, approver
):
    baseline = accepted_order.revisions.get(number=1)
    rejected = raise_change(accepted_order, service_user, {"quantity": 9000})
    assess_all(rejected.review, team, verdict="cannot_meet")
    sign(rejected.review, approver, "reject", "No capacity for 9000")

    # The same 9000 again, with the finish changed too: 9000 was never accepted,
    # so its "cannot meet" is not carried; it is assessed afresh.
    again = raise_change(
        accepted_order, service_user, {"quantity": 9000, "finish": "polished"}
    )

    slots = _verdicts(again.review)
    assert slots["quantity"].verdict == ""
    assert slots["quantity"].carried_from is None
    assert slots["finish"].verdict == ""
    assert slots["part_number"].verdict == "can_meet"
    assert slots["part_number"].carried_from.review_id == baseline.review.pk
    assert not again.review.assessments.filter(
        carried_from__review=rejected.review
    ).exists()


def test_each_unchanged_slot_maps_to_the_earlier_assessment_of_the_same_key(
    accepted_order, service_user
):
    change = raise_change(accepted_order, service_user, {"quantity": 500})
    mapping = opening.carry_forward_from_previous(revision=change)
    requirements = {r.pk: r for r in change.requirements.all()}
    assert sorted(requirements[pk].key for pk, _ in mapping) == [
        "finish",
        "part_number",
    ]
    for (pk, discipline_id), earlier in mapping.items():
        assert earlier.requirement.key == requirements[pk].key
        assert earlier.discipline_id == discipline_id == requirements[pk].discipline_id
        assert earlier.review.requirement_set.number == 1
