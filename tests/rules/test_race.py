"""Two approvers countersigning the same decision at once, each on their own
database connection: one chain, nobody signs past the decision becoming final."""

import pytest
from django.core.exceptions import ValidationError

from reviews import countersigning, services, signing
from reviews.models import Decision, Review, Signature
from tests.factories import TEST_PASSWORD
from tests.reviews.test_concurrency import HoldFirstSigner, run_in_parallel
from tests.rules.conftest import assess_all, review_with, rule, sign

pytestmark = pytest.mark.django_db(transaction=True)


def countersign_job(review, user, wait_for=None):
    def job():
        if wait_for is not None:
            assert wait_for.wait(timeout=30)
        return countersigning.decision_countersign(
            review=review, signer=user, password=TEST_PASSWORD
        )

    return job


def test_two_countersigners_at_once_when_one_is_enough(
    engineering, commercial, by, approver, second_approver, third_approver
):
    review = assess_all(review_with({}, engineering, commercial), by)
    rule(approvers_required=2)
    sign(review, approver)
    with HoldFirstSigner() as hold:
        results = run_in_parallel(
            countersign_job(review, second_approver),
            countersign_job(review, third_approver, wait_for=hold.first_inside),
        )
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and "no longer waits" in str(refused[0])
    review.refresh_from_db()
    assert review.state == Review.State.DECIDED
    assert review.decision.signatures.count() == 2
    chain = list(Signature.objects.order_by("pk"))
    assert signing.chain_verify(chain).ok
    assert chain[1].previous_hash == chain[0].signature_hash


def test_two_countersigners_at_once_both_needed_give_one_linear_chain(
    engineering, commercial, by, approver, second_approver, third_approver
):
    review = assess_all(review_with({}, engineering, commercial), by)
    rule(approvers_required=3)
    sign(review, approver)
    with HoldFirstSigner() as hold:
        results = run_in_parallel(
            countersign_job(review, second_approver),
            countersign_job(review, third_approver, wait_for=hold.first_inside),
        )
    assert not any(isinstance(r, Exception) for r in results), results
    review.refresh_from_db()
    assert review.state == Review.State.DECIDED
    chain = list(Signature.objects.order_by("pk"))
    assert len(chain) == 3
    assert len({s.previous_hash for s in chain}) == 3
    assert signing.chain_verify(chain).ok
    final = chain[-1].approval
    assert final.satisfied and len(final.rules[0]["approved_by"]) == 3


def test_the_same_approver_twice_at_once_signs_once(
    engineering, commercial, by, approver, second_approver
):
    review = assess_all(review_with({}, engineering, commercial), by)
    rule(approvers_required=3)
    sign(review, approver)
    with HoldFirstSigner() as hold:
        results = run_in_parallel(
            countersign_job(review, second_approver),
            countersign_job(review, second_approver, wait_for=hold.first_inside),
        )
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and "already signed" in str(refused[0])
    assert review.decision.signatures.count() == 2


def sign_job(review, user, wait_for=None):
    def job():
        if wait_for is not None:
            assert wait_for.wait(timeout=30)
        return services.decision_sign(
            review=review,
            signer=user,
            outcome="accept",
            reasons="",
            password=TEST_PASSWORD,
        )

    return job


def test_two_approvers_signing_at_once_under_a_two_person_rule_make_one_decision(
    engineering, commercial, by, approver, second_approver
):
    """Both opened the sign page while the review was open: the first signs the
    acceptance, the second is told to countersign it, and nothing forks."""
    review = assess_all(review_with({}, engineering, commercial), by)
    rule(approvers_required=2)
    with HoldFirstSigner() as hold:
        results = run_in_parallel(
            sign_job(review, approver),
            sign_job(review, second_approver, wait_for=hold.first_inside),
        )
    decided, refused = results
    assert isinstance(decided, Decision), decided
    assert isinstance(refused, ValidationError), refused
    assert "countersign it instead" in str(refused)
    assert Decision.objects.count() == 1
    assert Signature.objects.count() == 1
    review.refresh_from_db()
    assert review.state == Review.State.SIGNING
    # The one told to countersign does, and the chain stays one line.
    countersigning.decision_countersign(
        review=review, signer=second_approver, password=TEST_PASSWORD
    )
    review.refresh_from_db()
    assert review.state == Review.State.DECIDED
    first, second = Signature.objects.order_by("pk")
    assert second.previous_hash == first.signature_hash
    assert signing.chain_verify([first, second]).ok


def test_two_approvers_countersigning_a_quote_at_once_give_one_linear_chain(
    quote_review, approver, second_approver, third_approver
):
    rule(applies_to=["quotes"], approvers_required=3)
    sign(quote_review, approver)
    with HoldFirstSigner() as hold:
        results = run_in_parallel(
            countersign_job(quote_review, second_approver),
            countersign_job(quote_review, third_approver, wait_for=hold.first_inside),
        )
    assert not any(isinstance(r, Exception) for r in results), results
    quote_review.refresh_from_db()
    assert quote_review.state == Review.State.DECIDED
    chain = list(Signature.objects.order_by("pk"))
    # The quote's decision alone: three signatures, each on the one before.
    assert len(chain) == 3 and Decision.objects.count() == 1
    assert [s.previous_hash for s in chain[1:]] == [
        s.signature_hash for s in chain[:-1]
    ]
    assert signing.chain_verify(chain).ok
    snapshots = [s.approval for s in chain]
    assert [s.satisfied for s in snapshots] == [False, False, True]
    assert snapshots[-1].rules[0]["covered_as"] == "quote"
    assert len(snapshots[-1].rules[0]["approved_by"]) == 3
