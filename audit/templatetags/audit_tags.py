"""Template tags of the audit area: the management dashboard and a dict lookup.

home.html includes audit/_home_dashboard.html, which calls management_dashboard: the
home view itself knows nothing about the dashboard.
"""

from django import template

from audit import dashboard

register = template.Library()


@register.inclusion_tag("dashboard/_dashboard.html", takes_context=True)
def management_dashboard(context: template.Context) -> dict:
    figures = dashboard.dashboard_cached()
    return {
        "figures": figures,
        "chart_data": figures.chart_data(),
        "request": context.get("request"),
        "user": context.get("user"),
        "role": context.get("role"),
    }


@register.filter
def get_item(mapping: dict, key: object) -> object:
    """mapping[key], or None: for lookups by a variable key in templates."""
    if not mapping:
        return None
    return mapping.get(key)
