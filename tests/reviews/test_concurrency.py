"""Two approvers signing at the same moment, each on their own database connection."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models.signals import pre_save

from reviews import services, signing
from reviews.models import Decision, Signature
from tests.factories import TEST_PASSWORD
from tests.reviews.conftest import assess, slot, submit_revision

pytestmark = pytest.mark.django_db(transaction=True)


def run_in_parallel(*jobs):
    """Run each job in its own thread (so its own connection); return outcomes."""
    results: list[object] = [None] * len(jobs)

    def runner(index, job):
        try:
            results[index] = job()
        except Exception as error:  # the outcome is what the test asserts on
            results[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=runner, args=(index, job))
        for index, job in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


class HoldFirstSigner:
    """Keep the first signer inside its transaction, at the moment it writes its
    signature, until the second signer has had time to reach the database: the
    second must then wait for the locks instead of racing past them."""

    def __init__(self) -> None:
        self.first_inside = threading.Event()
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self, sender, instance, **kwargs) -> None:
        with self.lock:
            self.calls += 1
            first = self.calls == 1
        if first:
            self.first_inside.set()
            threading.Event().wait(0.7)

    def __enter__(self):
        pre_save.connect(self, sender=Signature, weak=False, dispatch_uid="hold")
        return self

    def __exit__(self, *exc) -> None:
        pre_save.disconnect(sender=Signature, dispatch_uid="hold")


def signer_job(review, user, outcome, reasons, wait_for=None):
    def job():
        if wait_for is not None:
            assert wait_for.wait(timeout=30)
        return services.decision_sign(
            review=review,
            signer=user,
            outcome=outcome,
            reasons=reasons,
            password=TEST_PASSWORD,
        )

    return job


def test_two_approvers_signing_one_review_produce_exactly_one_decision(
    assessed_review, approver, second_approver
):
    with HoldFirstSigner() as hold:
        results = run_in_parallel(
            signer_job(assessed_review, approver, "accept", ""),
            signer_job(
                assessed_review,
                second_approver,
                "reject",
                "Too risky",
                wait_for=hold.first_inside,
            ),
        )

    accepted, refused = results
    assert isinstance(accepted, Decision), accepted
    assert isinstance(refused, ValidationError), refused
    assert "already been decided" in refused.messages[0]
    assert Decision.objects.count() == 1
    assert Signature.objects.count() == 1


def test_two_reviews_signed_at_once_extend_the_chain_in_one_line(
    assessed_review, approver, second_approver, engineering, reviewer
):
    other = submit_revision(engineering)
    assess(slot(other, engineering), reviewer)
    with HoldFirstSigner() as hold:
        results = run_in_parallel(
            signer_job(assessed_review, approver, "accept", ""),
            signer_job(
                other, second_approver, "accept", "", wait_for=hold.first_inside
            ),
        )

    assert all(isinstance(result, Decision) for result in results), results
    first, second = Signature.objects.order_by("pk")
    assert first.previous_hash == signing.GENESIS_HASH
    assert second.previous_hash == first.signature_hash
    assert signing.chain_verify(Signature.objects.order_by("pk")).ok


def test_many_simultaneous_signers_leave_one_decision(
    assessed_review, approver, second_approver
):
    start = threading.Barrier(4)

    def job(user):
        def run():
            start.wait(timeout=30)
            return services.decision_sign(
                review=assessed_review,
                signer=user,
                outcome="accept",
                reasons="",
                password=TEST_PASSWORD,
            )

        return run

    results = run_in_parallel(*(job(u) for u in (approver, second_approver) * 2))

    assert sum(isinstance(r, Decision) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 3
    assert Decision.objects.count() == 1
    assert Signature.objects.count() == 1
