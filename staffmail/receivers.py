"""E-mail the people something now waits on, once the change is committed."""

from functools import partial

from django.db import transaction
from django.dispatch import receiver

from orderreview import events, roles
from orders.models import Order
from requirements.models import RequirementSet
from reviews.models import CustomerAgreement, Review
from reviews.services import decision_blockers
from staffmail import letters
from staffmail.recipients import author_of, pending_by_reviewer, role_holders
from staffmail.services import people_told


@receiver(events.revision_submitted)
def _revision_submitted(sender, revision, **kwargs) -> None:  # noqa: ANN001
    transaction.on_commit(partial(review_opened_tell, revision.pk), robust=True)


def review_opened_tell(revision_id: int) -> None:
    """The reviewers of every discipline with open slots; for a change, also the
    people its change notification names."""
    with transaction.atomic():
        revision = RequirementSet.objects.select_related("order__customer").get(
            pk=revision_id
        )
        review = Review.objects.filter(requirement_set=revision).first()
        if review is not None and review.state == Review.State.OPEN:
            pending = pending_by_reviewer(review)
            people_told(
                list(pending),
                lambda user: letters.review_opened(review, pending[user]),
                lambda user: f"opened:{review.pk}:{user.pk}",
            )
        told = {n.user_id: n for n in revision.notifications.select_related("user")}
        people_told(
            [n.user for n in told.values()],
            lambda user: letters.change_submitted(revision, told[user.pk]),
            lambda user: f"change:{revision.pk}:{user.pk}",
        )


@receiver(events.review_assessed)
def _review_assessed(sender, review, **kwargs) -> None:  # noqa: ANN001
    transaction.on_commit(partial(ready_to_sign_tell, review.pk), robust=True)


def ready_to_sign_tell(review_id: int) -> None:
    """Once every verdict is in: the approvers, with what still blocks acceptance."""
    with transaction.atomic():
        review = Review.objects.select_related("order__customer").get(pk=review_id)
        if review.state != Review.State.OPEN or review.assessments.filter(verdict=""):
            return
        blockers = decision_blockers(review, "accept")
        people_told(
            role_holders(roles.APPROVER),
            lambda user: letters.ready_to_sign(review, blockers),
            lambda user: f"ready:{review.pk}:{user.pk}",
        )


@receiver(events.review_decided)
def _review_decided(sender, review, decision, **kwargs) -> None:  # noqa: ANN001
    transaction.on_commit(partial(decided_tell, review.pk), robust=True)


def decided_tell(review_id: int) -> None:
    """Whoever entered the order (revision 1) or raised the change."""
    with transaction.atomic():
        review = Review.objects.select_related(
            "order__customer",
            "order__entered_by",
            "requirement_set__created_by",
            "decision__decided_by",
        ).get(pk=review_id)
        people_told(
            author_of(review.order, review.requirement_set),
            lambda user: letters.decided(review, review.decision),
            lambda user: f"decided:{review.pk}:{user.pk}",
        )


@receiver(events.notice_failed)
def _notice_failed(sender, notice, **kwargs) -> None:  # noqa: ANN001
    transaction.on_commit(partial(notice_failed_tell, notice), robust=True)


def notice_failed_tell(notice) -> None:  # noqa: ANN001 (communications.OutboundNotice)
    with transaction.atomic():
        people_told(
            role_holders(roles.CUSTOMER_SERVICE),
            lambda user: letters.notice_failed(notice),
            lambda user: f"notice-failed:{notice.pk}:{notice.attempts}:{user.pk}",
        )


@receiver(events.customer_answered)
def _customer_answered(sender, agreement, **kwargs) -> None:  # noqa: ANN001
    transaction.on_commit(partial(customer_answered_tell, agreement.pk), robust=True)


def customer_answered_tell(agreement_id: int) -> None:
    """Whoever entered the order (revision 1) or raised the change."""
    with transaction.atomic():
        agreement = CustomerAgreement.objects.select_related(
            "order__customer",
            "order__entered_by",
            "decision__review__requirement_set__created_by",
        ).get(pk=agreement_id)
        people_told(
            author_of(agreement.order, agreement.decision.review.requirement_set),
            lambda user: letters.customer_answered(agreement),
            lambda user: f"answered:{agreement.pk}:{user.pk}",
        )


@receiver(events.quote_answered)
def _quote_answered(sender, quote, name, accepted, message, key, **kwargs) -> None:  # noqa: ANN001
    transaction.on_commit(
        partial(quote_answered_tell, quote.pk, name, accepted, message, key),
        robust=True,
    )


def quote_answered_tell(
    quote_id: int, name: str, accepted: bool, message: str, key: str
) -> None:
    """Whoever entered the quote."""
    with transaction.atomic():
        quote = Order.objects.select_related("customer", "entered_by").get(pk=quote_id)
        told = [quote.entered_by] if quote.entered_by is not None else []
        people_told(
            told,
            lambda user: letters.quote_answered(
                quote, name, accepted=accepted, message=message
            ),
            lambda user: f"quote:{key}:{user.pk}",
        )
