"""Order forms and orders: one module per topic, all imported here so Django
registers them and the rest of the code imports them from orders.models."""

from orders.models.forms import (
    Discipline,
    FormSection,
    OrderForm,
    OrderFormVersion,
    Question,
    RequirementCategory,
)
from orders.models.orders import Channel, Customer, CustomerLink, Order, PortalLink

# Defined beside its pages (orders.regulations); imported here so Django registers
# it with the orders app.
from orders.regulations.models import StatutoryRequirement

__all__ = [
    "Channel",
    "Customer",
    "CustomerLink",
    "Discipline",
    "FormSection",
    "Order",
    "OrderForm",
    "OrderFormVersion",
    "PortalLink",
    "Question",
    "RequirementCategory",
    "StatutoryRequirement",
]
