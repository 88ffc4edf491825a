"""What the pages that show several domains read, gathered from each app's selectors
for one page and one person. A panel the person's roles do not show is not read."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from audit import dashboard_snapshot, disposal_plan
from communications import claim_selectors as claims
from communications import property_selectors as customer_property
from communications import selectors as communications
from orderreview import roles
from orders import selectors as orders
from orders.models import Customer, Order
from orders.orderforms import selectors as orderforms
from requirements import confirmations
from requirements import selectors as requirements
from requirements.models import RequirementSet
from reviews import agreement_selectors as agreements
from reviews import order_panel
from reviews import selectors as reviews

HOME_FORM_DRAFTS_SHOWN = 10
PANEL_COMMUNICATIONS_SHOWN = 20


def home_queues(user: Any) -> dict[str, Any]:
    """Each of the person's roles gets its queue on the home page."""
    queues: dict[str, Any] = {}
    if roles.has_role(user, *roles.CHANGE_NOTIFIED):
        queues["change_notifications"] = requirements.notifications_pending(user)
    if roles.has_role(user, roles.CUSTOMER_SERVICE):
        queues["orders_queue"] = {
            **orders.orders_home_queue(),
            "revisions_to_confirm": confirmations.confirmations_missing(),
        }
        queues["unsent_notices"] = communications.failed_notices()
        queues["follow_ups"] = communications.open_follow_ups()
    if roles.has_role(user, *roles.REVIEWING):
        queues["review_queue"] = reviews.reviewer_queue(user)
    if roles.has_role(user, roles.FORM_ADMIN):
        drafts = orderforms.drafts_in_progress()
        queues["form_drafts"] = list(drafts[:HOME_FORM_DRAFTS_SHOWN])
        queues["claims_to_act_on"] = claims.claims_needing_attention(
            timezone.localdate()
        )
        queues["today"] = timezone.localdate()
    if roles.has_role(user, roles.APPROVER):
        snapshot = dashboard_snapshot.dashboard_current()
        figures = snapshot.figures
        queues["dashboard"] = {
            "figures": figures,
            "as_of": snapshot.as_of,
            "chart_data": figures.chart_data(),
            "complaints": communications.open_complaints_summary(),
        }
    return queues


def orders_listed(filters: dict[str, Any]) -> QuerySet[Order]:
    """The order list's rows for the cleaned filter form: the orders app filters on
    the order, the reviews app on what reviewers still have to assess."""
    if filters.get("status") == Order.Status.AWAITING_AGREEMENT:
        # Also a change to an accepted order whose conditions wait for the
        # customer: that order stays accepted meanwhile.
        listed = orders.orders_filtered({**filters, "status": ""})
        listed = agreements.orders_awaiting_agreement(listed)
    else:
        listed = orders.orders_filtered(filters)
    if filters.get("to_assess"):
        listed = reviews.orders_to_assess(listed, filters["to_assess"])
    return listed


def order_revisions(order: Order) -> list[RequirementSet]:
    """The order page's revisions, oldest first, with what its revision history
    shows and, joined by name, what its review and agreement panels show: one query
    and their notifications' (requirements.selectors.revision_history)."""
    return requirements.revision_history(order, order_panel.history_join())[::-1]


def order_panels(
    order: Order, user: Any, revisions: list[RequirementSet] | None = None
) -> dict[str, Any]:
    """The order page's review and communication panels, and its disposal. The
    reviews and agreements come with the revisions (order_revisions)."""
    if revisions is None:
        revisions = order_revisions(order)
    order_reviews = order_panel.reviews_of_revisions(revisions)
    panels: dict[str, Any] = {
        "disposal": disposal_plan.order_disposal(order),
        "order_reviews": order_reviews,
        "can_open_review": roles.has_role(user, *roles.REVIEW_OPENERS),
        "agreements": agreements.agreements_of_reviews(order_reviews),
        "can_record_answer": roles.has_role(user, roles.CUSTOMER_SERVICE),
        "can_close_declined": roles.has_role(user, roles.APPROVER),
        "can_read_communications": roles.has_role(user, *roles.CUSTOMER_READERS),
    }
    if roles.has_role(user, *roles.CUSTOMER_READERS):
        panels["communications"] = communications.order_panel_communications(
            order, PANEL_COMMUNICATIONS_SHOWN
        )
        panels["failed_notices"] = communications.failed_notices_for_order(order)
        panels["customer_property"] = customer_property.property_of_order(order)
    return panels


def customer_panels(customer: Customer, user: Any) -> dict[str, Any]:
    """The customer page's orders and, for those who keep them, communications."""
    panels: dict[str, Any] = {"orders": orders.customer_orders(customer)}
    if roles.has_role(user, *roles.CUSTOMER_READERS):
        panels["communications"] = communications.communications_for_customer(
            customer, PANEL_COMMUNICATIONS_SHOWN
        )
    return panels
