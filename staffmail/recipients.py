"""Who is told: the people the site would let open what the e-mail links to."""

from django.conf import settings
from django.db.models import QuerySet

from orderreview import roles
from orderreview.models import User
from orders.models import Discipline
from reviews.models import Assessment, Review


def pending_by_reviewer(review: Review) -> dict[User, list[Assessment]]:
    """Each active reviewer of a discipline with open slots, with those slots."""
    pending = list(
        review.assessments.filter(verdict="")
        .select_related("discipline", "requirement")
        .order_by("discipline__name", "requirement__position", "pk")
    )
    disciplines = {a.discipline_id for a in pending}
    members = (
        Discipline.members.through.objects.filter(
            discipline_id__in=disciplines,
            user__is_active=True,
            user__groups__name__in=roles.REVIEWING,
        )
        .select_related("user")
        .distinct()
    )
    found: dict[User, list[Assessment]] = {}
    for membership in members:
        mine = [a for a in pending if a.discipline_id == membership.discipline_id]
        found.setdefault(membership.user, []).extend(mine)
    return found


def role_holders(*role_names: str) -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, groups__name__in=role_names)
        .distinct()
        .order_by("pk")
    )


def escalation_recipients() -> QuerySet[User]:
    """The approvers, or the role STAFF_MAIL_ESCALATE_TO names: only those of them
    who may open the review the e-mail links to."""
    named = role_holders(settings.STAFF_MAIL_ESCALATE_TO or roles.APPROVER)
    return named.filter(groups__name__in=roles.REVIEW_OPENERS).distinct()


def author_of(order, revision) -> list[User]:  # noqa: ANN001
    """Whoever entered the order (revision 1) or raised the change; none if gone."""
    author = order.entered_by if revision.number == 1 else revision.created_by
    return [author] if author is not None else []
