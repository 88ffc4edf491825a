"""Two approvers countersigning the same decision at once, each on their own
database connection: one chain, nobody signs past the decision becoming final."""

import pytest
from django.core.exceptions import ValidationError

from reviews import countersigning, signing
from reviews.models import Review, Signature
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
