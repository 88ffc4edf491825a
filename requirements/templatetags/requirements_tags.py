from django import template

from requirements.models import Requirement
from requirements.selectors import requirement_display

register = template.Library()


@register.filter
def requirement_value(requirement: Requirement) -> str:
    """A requirement's value as a person reads it (Yes/No, choice labels, units)."""
    return requirement_display(requirement)
