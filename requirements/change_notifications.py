"""The people a submitted change order affects are told, and acknowledge it
(ISO 9001 8.2.4: relevant persons are made aware of changed requirements)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from orderreview import roles
from orderreview.history import attribute
from orderreview.models import User
from orders.models import Discipline
from requirements import selectors
from requirements.diff import RevisionDiff
from requirements.models import AwarenessRule, ChangeNotification, RequirementSet


def _notification_recipients(
    revision: RequirementSet, diff: RevisionDiff
) -> dict[int, str]:
    """user pk -> why they are told: reviewers of every discipline the change
    touches, the people the awareness rules name for it, and the order's owner."""
    discipline_ids = {r.discipline_id for r in diff.affected}
    recipients: dict[int, str] = {}
    members = (
        Discipline.members.through.objects.filter(
            discipline_id__in=discipline_ids,
            user__is_active=True,
            user__groups__name__in=roles.REVIEWING,
        )
        .select_related("discipline")
        .order_by("discipline__name")
        .distinct()
    )
    for membership in members:
        name = membership.discipline.name
        if membership.user_id in recipients:
            recipients[membership.user_id] += f", {name}"
        else:
            recipients[membership.user_id] = f"Reviewer: {name}"
    for user_id, rule_name in _rule_recipients(diff):
        reason = f"Made aware: {rule_name}"
        if user_id in recipients:
            recipients[user_id] += f"; {reason}"
        else:
            recipients[user_id] = reason
    owner = revision.order.entered_by
    if (
        owner is not None
        and owner.is_active
        and roles.has_role(owner, *roles.CHANGE_NOTIFIED)
    ):
        recipients[owner.pk] = "; ".join(
            part for part in (recipients.get(owner.pk), "entered the order") if part
        )
    return recipients


def _rule_recipients(diff: RevisionDiff) -> list[tuple[int, str]]:
    """(user pk, rule name) for each active person an active rule matching the
    change names, directly or through its group."""
    rules = [
        rule
        for rule in AwarenessRule.objects.filter(active=True).order_by("name", "pk")
        if rule.matches(diff.affected)
    ]
    found: list[tuple[int, str]] = []
    for rule in rules:
        named = Q(pk__in=rule.users.values("pk"))
        if rule.group_id:
            named |= Q(groups=rule.group_id)
        # Only people who can open and acknowledge a notification are told: anyone
        # else would hold an acknowledgement they can never give.
        # (Two filter() calls: the group a rule names and the role are two rows.)
        people = User.objects.filter(named, is_active=True).filter(
            groups__name__in=roles.CHANGE_NOTIFIED
        )
        for user_id in people.values_list("pk", flat=True).distinct().order_by("pk"):
            found.append((user_id, rule.name))
    return found


def change_notifications_create(*, revision: RequirementSet) -> list:
    """Make the affected people aware of a submitted change (ISO 9001 8.2.4):
    one notification each, to acknowledge. Called by revision_submit."""
    diff = selectors.revision_diff(revision)
    created = []
    for user_id, reason in _notification_recipients(revision, diff).items():
        if ChangeNotification.objects.filter(
            revision=revision, user_id=user_id
        ).exists():
            continue
        notification = ChangeNotification(
            revision=revision, user_id=user_id, reason=reason[:200]
        )
        attribute(notification, user=revision.submitted_by)
        notification.save()
        created.append(notification)
    return created


@transaction.atomic
def notification_acknowledge(
    *, notification: ChangeNotification, user: User
) -> ChangeNotification:
    """The recipient confirms they have read the change."""
    notification = ChangeNotification.objects.select_for_update().get(
        pk=notification.pk
    )
    if notification.user_id != user.pk:
        raise ValidationError("Only the person notified can acknowledge this.")
    if notification.acknowledged_at is not None:
        raise ValidationError("You already acknowledged this change.")
    notification.acknowledged_at = timezone.now()
    attribute(notification, user=user, reason="Acknowledged")
    notification.save()
    return notification
