"""Template tags of the audit pages."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key: object) -> object:
    """mapping[key], or None: for lookups by a variable key in templates."""
    if not mapping:
        return None
    return mapping.get(key)
