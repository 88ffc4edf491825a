import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from orderreview import events
from orders.models import Order
from requirements.models import RequirementSet
from reviews import opening, services
from reviews.models import Assessment, Review
from tests import factories
from tests.reviews.conftest import assess, slot, submit_revision

pytestmark = pytest.mark.django_db


def test_submitted_revision_opens_a_review_with_one_slot_per_discipline(
    engineering, production, quality
):
    review = submit_revision(engineering, production, quality, engineering)

    assert review.state == Review.State.OPEN
    slots = list(review.assessments.values_list("discipline__slug", "verdict"))
    assert sorted(slots) == [
        ("engineering", ""),
        ("engineering", ""),
        ("production", ""),
        ("quality", ""),
    ]
    assert review.order.status == Order.Status.AWAITING_REVIEW


def test_review_is_due_after_the_configured_number_of_days(settings, engineering):
    settings.REVIEW_DUE_DAYS = 5
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)):
        review = submit_revision(engineering)
    assert review.due_date == datetime.date(2026, 3, 7)


def test_opening_the_same_revision_twice_keeps_one_review(engineering):
    review = submit_revision(engineering)
    again = opening.review_open(revision=review.requirement_set)
    assert again.pk == review.pk
    assert Review.objects.count() == 1
    assert Assessment.objects.count() == 1


def test_draft_revision_cannot_be_reviewed(engineering):
    revision = factories.RequirementSetFactory(state=RequirementSet.State.DRAFT)
    factories.RequirementFactory(requirement_set=revision, discipline=engineering)
    with pytest.raises(ValidationError, match="only a submitted revision"):
        events.revision_submitted.send(sender=RequirementSet, revision=revision)
    assert not Review.objects.exists()


def test_a_new_revision_supersedes_the_open_review_and_carries_given_verdicts(
    reviewer, engineering
):
    first = submit_revision(engineering)
    old_slot = assess(slot(first, engineering), reviewer, "conditions", "Tolerance")
    revision2 = factories.RequirementSetFactory(
        order=first.order, number=2, state=RequirementSet.State.SUBMITTED
    )
    unchanged = factories.RequirementFactory(
        requirement_set=revision2, discipline=engineering
    )
    changed = factories.RequirementFactory(
        requirement_set=revision2, discipline=engineering
    )

    second = opening.review_open(
        revision=revision2,
        carry_forward={(unchanged.pk, engineering.pk): old_slot},
    )

    first.refresh_from_db()
    assert first.state == Review.State.SUPERSEDED
    assert first.closed_at is not None
    carried = second.assessments.get(requirement=unchanged)
    assert carried.carried_from == old_slot
    assert (carried.verdict, carried.note) == ("conditions", "Tolerance")
    assert carried.assessed_by == reviewer
    fresh = second.assessments.get(requirement=changed)
    assert (fresh.verdict, fresh.carried_from) == ("", None)


def test_change_order_carries_forward_verdicts_of_unchanged_requirements_only(
    reviewer, approver, engineering, commercial
):
    first = submit_revision(engineering, commercial)
    assess(slot(first, engineering), reviewer)
    assess(slot(first, commercial), approver)
    services.decision_sign(
        review=first,
        signer=approver,
        outcome="accept",
        reasons="",
        password=factories.TEST_PASSWORD,
    )
    old_eng = first.requirement_set.requirements.get(discipline=engineering)
    old_com = first.requirement_set.requirements.get(discipline=commercial)
    revision2 = factories.RequirementSetFactory(
        order=first.order, number=2, state=RequirementSet.State.SUBMITTED
    )
    for old, value in ((old_eng, old_eng.value), (old_com, "changed")):
        factories.RequirementFactory(
            requirement_set=revision2,
            key=old.key,
            statement=old.statement,
            value=value,
            category=old.category,
            discipline=old.discipline,
        )

    second = submit_revision(revision=revision2)

    assert second.assessments.get(discipline=engineering).carried_from is not None
    assert second.assessments.get(discipline=commercial).verdict == ""
    second.order.refresh_from_db()
    # What was agreed still holds while the change is reviewed.
    assert second.order.status == Order.Status.ACCEPTED
    assert second.order.change_in_review
