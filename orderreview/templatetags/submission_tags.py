"""{% submission_token %}: the hidden one-time token of a create form."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from orderreview import idempotency

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_token(context: template.Context) -> SafeString:
    # A form shown again with errors keeps its token: its eventual success is the
    # one creation that token stands for.
    request = context.get("request")
    token = (request and idempotency.posted_token(request)) or idempotency.new_token()
    return format_html(
        '<input type="hidden" name="{}" value="{}">', idempotency.FIELD, token
    )
