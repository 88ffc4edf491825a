import pytest
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.utils import timezone

from orderreview import events
from orders.models import Order
from requirements import confirmations
from requirements.models import RequirementSet
from reviews import services, signing
from reviews.models import Decision, Review, Signature
from tests import factories
from tests.factories import TEST_PASSWORD
from tests.reviews.conftest import assess, slot, submit_revision

pytestmark = pytest.mark.django_db


def sign(review, signer, outcome="accept", reasons="", password=TEST_PASSWORD):
    return services.decision_sign(
        review=review,
        signer=signer,
        outcome=outcome,
        reasons=reasons,
        password=password,
    )


# --- assessing -------------------------------------------------------------


def test_can_meet_is_recorded_with_who_and_when(review, reviewer, engineering):
    saved = assess(slot(review, engineering), reviewer)
    assert saved.verdict == "can_meet"
    assert saved.assessed_by == reviewer
    assert saved.assessed_at is not None
    assert saved.version == 1


@pytest.mark.parametrize(
    ("verdict", "message"),
    [("conditions", "conditions"), ("cannot_meet", "reason")],
)
def test_conditions_and_cannot_meet_need_a_note(
    review, reviewer, engineering, verdict, message
):
    with pytest.raises(ValidationError, match=message) as error:
        assess(slot(review, engineering), reviewer, verdict, "   ")
    assert "note" in error.value.message_dict
    assert slot(review, engineering).verdict == ""


def test_conditions_are_stored(review, reviewer, engineering):
    saved = assess(slot(review, engineering), reviewer, "conditions", "Needs 6 weeks")
    assert (saved.verdict, saved.note) == ("conditions", "Needs 6 weeks")


def test_unknown_verdict_is_refused(review, reviewer, engineering):
    with pytest.raises(ValidationError, match="Choose a verdict"):
        assess(slot(review, engineering), reviewer, "maybe")


def test_reviewer_cannot_assess_another_disciplines_slot(review, reviewer, commercial):
    with pytest.raises(ValidationError, match="Only Commercial / credit reviewers"):
        assess(slot(review, commercial), reviewer)
    assert slot(review, commercial).verdict == ""


def test_stale_save_is_refused_with_the_newer_value(review, reviewer, engineering):
    colleague = type(reviewer).objects.create(
        username="colleague", first_name="Cleo", last_name="Colleague"
    )
    engineering.members.add(colleague)
    loaded = slot(review, engineering)
    services.assessment_record(
        assessment=loaded,
        user=colleague,
        verdict="cannot_meet",
        note="No furnace",
        version=loaded.version,
    )

    with pytest.raises(services.AssessmentConflict) as conflict:
        services.assessment_record(
            assessment=loaded,
            user=reviewer,
            verdict="can_meet",
            note="",
            version=loaded.version,
        )

    assert "Cleo Colleague" in conflict.value.messages[0]
    assert "Cannot meet (No furnace)" in conflict.value.messages[0]
    current = slot(review, engineering)
    assert (current.verdict, current.assessed_by) == ("cannot_meet", colleague)
    assert current.version == 1


def test_first_assessment_puts_the_order_in_review(review, reviewer, engineering):
    assert review.order.status == Order.Status.AWAITING_REVIEW
    assess(slot(review, engineering), reviewer)
    review.order.refresh_from_db()
    assert review.order.status == Order.Status.IN_REVIEW


# --- deciding --------------------------------------------------------------


def test_accept_signs_and_moves_order_and_revision_to_accepted(
    assessed_review, approver
):
    received = []
    events.review_decided.connect(
        lambda sender, review, decision, **kw: received.append((review, decision)),
        weak=False,
        dispatch_uid="test-decided",
    )
    try:
        decision = sign(assessed_review, approver)
    finally:
        events.review_decided.disconnect(dispatch_uid="test-decided")

    assert decision.outcome == "accept"
    assessed_review.refresh_from_db()
    assert assessed_review.state == Review.State.DECIDED
    assert assessed_review.order.status == Order.Status.ACCEPTED
    assert assessed_review.requirement_set.state == RequirementSet.State.ACCEPTED
    assert received == [(assessed_review, decision)]
    signature = Signature.objects.get()
    assert signature.signer == approver
    assert signature.printed_name == approver.printed_name
    assert signature.meaning == "Approved: capability confirmed"
    assert signature.previous_hash == signing.GENESIS_HASH
    assert signature.content_hash == signing.content_hash(signature.content)
    assert signature.content["order"]["number"] == assessed_review.order.number
    assert len(signature.content["assessments"]) == 2
    assert signature.content["decision"]["outcome"] == "accept"


def test_accept_is_refused_while_a_slot_is_unassessed(
    review, reviewer, approver, engineering
):
    assess(slot(review, engineering), reviewer)
    with pytest.raises(ValidationError, match="still open"):
        sign(review, approver)
    assert not Decision.objects.exists()


def test_accept_is_refused_when_a_requirement_cannot_be_met(
    review, reviewer, approver, engineering, commercial
):
    assess(slot(review, engineering), reviewer, "cannot_meet", "No furnace")
    assess(slot(review, commercial), approver)
    with pytest.raises(ValidationError, match="cannot be met"):
        sign(review, approver)
    assert not Signature.objects.exists()


def test_accept_with_conditions_is_allowed(
    review, reviewer, approver, engineering, commercial
):
    assess(slot(review, engineering), reviewer, "conditions", "Lead time 8 weeks")
    assess(slot(review, commercial), approver)
    assert sign(review, approver).outcome == "accept"
    signed = Signature.objects.get().content["assessments"]
    assert {"Lead time 8 weeks", ""} == {a["note"] for a in signed}


def test_reject_needs_reasons(review, approver):
    with pytest.raises(ValidationError, match="reasons"):
        sign(review, approver, "reject", "  ")
    assert not Decision.objects.exists()


def test_reject_with_reasons_is_allowed_before_everything_is_assessed(review, approver):
    decision = sign(review, approver, "reject", "Material not available")
    review.refresh_from_db()
    assert review.order.status == Order.Status.REJECTED
    assert review.requirement_set.state == RequirementSet.State.REJECTED
    signature = Signature.objects.get()
    assert signature.meaning == "Rejected: requirements cannot be met"
    assert signature.content["decision"]["reasons"] == "Material not available"
    history = decision.history.get()
    assert history.reasons == "Material not available"
    assert history.history_user == approver


def test_missing_customer_confirmation_blocks_acceptance(
    engineering, reviewer, approver
):
    review = submit_revision(engineering, documented_statement=False)
    assess(slot(review, engineering), reviewer)
    with pytest.raises(ValidationError, match="confirmed with the customer"):
        sign(review, approver)
    assert not Decision.objects.exists()


def test_confirmed_customer_requirements_can_be_accepted(
    engineering, reviewer, approver
):
    review = submit_revision(engineering, documented_statement=False)
    order = review.order
    confirmations.confirmation_record(
        revision=review.requirement_set,
        user=order.entered_by,
        method="Phone call",
        confirmed_at=timezone.now(),
        communication=factories.CommunicationFactory(
            customer=order.customer, order=order
        ),
    )
    assess(slot(review, engineering), reviewer)
    assert sign(review, approver).outcome == "accept"


def _entered_by(role: str, person, engineering) -> Review:
    """A review whose order or revision person entered, set before submission (the
    database refuses changes to a submitted order's signed fields and revision)."""
    if role == "entered_by":
        return submit_revision(engineering, entered_by=person)
    revision = factories.RequirementSetFactory(**{role: person})
    revision.state = RequirementSet.State.SUBMITTED
    revision.submitted_by = revision.submitted_by or revision.order.entered_by
    revision.save()
    return submit_revision(engineering, revision=revision)


@pytest.mark.parametrize("role", ["entered_by", "created_by", "submitted_by"])
def test_approver_cannot_sign_an_order_or_revision_they_entered(
    reviewer, approver, engineering, role
):
    review = _entered_by(role, approver, engineering)
    assess(slot(review, engineering), reviewer)
    with pytest.raises(ValidationError, match="segregation of duties"):
        sign(review, approver)
    assert not Decision.objects.exists()


def test_self_approval_is_allowed_when_the_setting_relaxes_it(
    settings, reviewer, approver, engineering
):
    settings.REVIEW_ALLOW_SELF_APPROVAL = True
    review = _entered_by("entered_by", approver, engineering)
    assess(slot(review, engineering), reviewer)
    assert sign(review, approver).outcome == "accept"


def test_reviewer_without_approver_role_cannot_sign(assessed_review, reviewer):
    with pytest.raises(ValidationError, match="Only an approver"):
        sign(assessed_review, reviewer)


def test_wrong_password_is_refused_counted_and_signs_nothing(assessed_review, approver):
    failures = []
    user_login_failed.connect(
        lambda sender, credentials, **kw: failures.append(credentials["username"]),
        weak=False,
        dispatch_uid="test-failed",
    )
    try:
        with pytest.raises(ValidationError) as error:
            sign(assessed_review, approver, password="not my password")
    finally:
        user_login_failed.disconnect(dispatch_uid="test-failed")
    assert "password" in error.value.message_dict
    assert failures == ["approver"]
    assert not Decision.objects.exists()
    assert not Signature.objects.exists()
    assessed_review.refresh_from_db()
    assert assessed_review.state == Review.State.OPEN
    assert assessed_review.order.status == Order.Status.IN_REVIEW


def test_a_decided_review_cannot_be_signed_again(
    assessed_review, approver, second_approver
):
    sign(assessed_review, approver)
    with pytest.raises(ValidationError, match="already been decided"):
        sign(assessed_review, second_approver, "reject", "Changed my mind")
    assert Decision.objects.count() == 1
    assert Signature.objects.count() == 1


def test_signatures_form_one_chain_across_reviews(
    assessed_review, approver, engineering
):
    first = sign(assessed_review, approver)
    other = submit_revision(engineering)
    second = sign(other, approver, "reject", "No capacity")

    one, two = Signature.objects.order_by("pk")
    assert one.decision == first and two.decision == second
    assert two.previous_hash == one.signature_hash
    assert signing.chain_verify(Signature.objects.order_by("pk")).ok


def test_decided_review_leaves_the_reviewers_queue(assessed_review, approver):
    from reviews.selectors import reviews_for_reviewer

    assert list(reviews_for_reviewer(approver)) == [assessed_review]
    sign(assessed_review, approver)
    assert list(reviews_for_reviewer(approver)) == []
