"""Review data for other apps' pages (home, order detail)."""

from typing import Any

from django import template
from django.db.models import Count, Q

from orderreview import roles
from reviews import selectors
from reviews.models import Review

register = template.Library()


@register.inclusion_tag("reviews/_home_queue_items.html", takes_context=True)
def reviewer_queue(context: template.Context, limit: int = 5) -> dict[str, object]:
    """The signed-in reviewer's open review items, most urgent first."""
    user = context["request"].user
    queue = selectors.reviews_for_reviewer(user, pending_only=True)
    reviews = list(queue[:limit])
    for review in reviews:
        review.overdue = selectors.is_overdue(review)
    return {"reviews": reviews}


@register.inclusion_tag("reviews/_order_review_state.html", takes_context=True)
def order_review_panel(context: template.Context, order: Any) -> dict[str, object]:
    """Every review of one order, newest first, with progress: one query."""
    user = context["request"].user
    reviews = list(
        Review.objects.filter(order=order)
        .select_related("requirement_set", "decision")
        .annotate(
            total=Count("assessments"),
            pending=Count("assessments", filter=Q(assessments__verdict="")),
        )
        .order_by("-requirement_set__number")
    )
    for review in reviews:
        review.overdue = selectors.is_overdue(review)
    return {
        "order": order,
        "reviews": reviews,
        "can_open_review": roles.has_role(
            user,
            roles.REVIEWER,
            roles.APPROVER,
            roles.AUDITOR,
            roles.CUSTOMER_SERVICE,
        ),
    }
