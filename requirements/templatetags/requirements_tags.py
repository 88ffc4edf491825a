from typing import Any

from django import template

from orderreview import roles
from requirements import change_orders, selectors
from requirements.models import Requirement, RequirementSet

register = template.Library()


@register.filter
def requirement_value(requirement: Requirement) -> str:
    """A requirement's value as a person reads it (Yes/No, choice labels, units)."""
    return selectors.requirement_display(requirement)


@register.inclusion_tag("requirements/_revision_history_panel.html", takes_context=True)
def revision_history(
    context: template.Context, order: Any, revisions: list[RequirementSet]
) -> dict[str, object]:
    """The order page's revision history and change-order entry point, from the
    revisions the page already read (selectors.revisions_for_order): no query."""
    user = context["request"].user
    revisions = revisions[::-1]
    draft = next((r for r in revisions if r.state == RequirementSet.State.DRAFT), None)
    return {
        "order": order,
        # Each row links the order page at its revision: reversed once.
        "order_url": order.get_absolute_url(),
        "revisions": revisions,
        "change_draft": draft if draft is not None and draft.number > 1 else None,
        "can_change": roles.has_role(user, roles.CUSTOMER_SERVICE)
        and order.status in change_orders.CHANGEABLE
        and draft is None,
        "is_cs": roles.has_role(user, roles.CUSTOMER_SERVICE),
        "can_read_records": roles.has_role(user, *roles.REVIEW_OPENERS),
    }
