"""Keeping approval rules: form admins (and administrators) create, change and
deactivate them; every change is kept in the rule's history, and what a signed
record shows is the rule as it was when signed (reviews.approval)."""

from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from orderreview import roles
from orderreview.history import attribute
from reviews import approval_conditions
from reviews.models import ApprovalRule

MAX_APPROVERS = 10


def rule_save(
    *,
    rule: ApprovalRule | None,
    user: Any,
    name: str,
    applies_to: Collection[str],
    approvers_required: int,
    role_required: str,
    conditions: list[dict[str, Any]],
    active: bool = True,
) -> ApprovalRule:
    """Create a rule (rule None) or change one; the conditions come cleaned by
    their kinds (approval_conditions), and are checked again here."""
    if not roles.has_role(user, *roles.APPROVAL_RULE_KEEPERS):
        raise ValidationError("Only form admins can change approval rules.")
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Give the rule a name."
    if not applies_to or not set(applies_to) <= set(ApprovalRule.AppliesTo.values):
        errors["applies_to"] = "Choose at least one: orders, quotes or change orders."
    if not 1 <= approvers_required <= MAX_APPROVERS:
        errors["approvers_required"] = (
            f"Between 1 and {MAX_APPROVERS} distinct approvers."
        )
    if role_required and role_required not in roles.ALL_ROLES:
        errors["role_required"] = "Choose one of the roles listed."
    for condition in conditions:
        if condition.get("kind") not in approval_conditions.KINDS:
            errors["conditions"] = "A condition is of an unknown kind."
    if not errors:
        clash = ApprovalRule.objects.filter(name__iexact=name)
        if rule is not None:
            clash = clash.exclude(pk=rule.pk)
        if clash.exists():
            errors["name"] = "Another rule has this name: choose another."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if rule is None:
            rule = ApprovalRule()
        else:
            rule = ApprovalRule.objects.select_for_update().get(pk=rule.pk)
        rule.name = name
        for kind in ApprovalRule.AppliesTo.values:
            setattr(rule, f"applies_to_{kind}", kind in applies_to)
        rule.approvers_required = approvers_required
        rule.role_required = role_required
        rule.conditions = conditions
        rule.active = active
        attribute(rule, user=user, reason="Approval rule saved")
        rule.save()
    return rule


def rule_deactivate(*, rule: ApprovalRule, user: Any) -> ApprovalRule:
    """The rule applies to no further signature; records signed under it keep
    showing it as it was."""
    if not roles.has_role(user, *roles.APPROVAL_RULE_KEEPERS):
        raise ValidationError("Only form admins can change approval rules.")
    with transaction.atomic():
        rule = ApprovalRule.objects.select_for_update().get(pk=rule.pk)
        if not rule.active:
            raise ValidationError("This rule is already inactive.")
        rule.active = False
        attribute(rule, user=user, reason="Approval rule deactivated")
        rule.save(update_fields=["active"])
    return rule
