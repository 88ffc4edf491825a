"""Notice templates: a locked-down template engine, the context each kind gets, and
sample data for previews.

Templates are edited by Form admins, so they render against plain dictionaries and
strings (never model instances) in an engine with no loaders and no extra tag
libraries: a template can show what it is given and nothing else.
"""

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from communications import notice_language
from communications.models import NoticeKind
from communications.notice_language import NoticeTemplateError

# What every template may use; shown beside the editor.
CONTEXT_HELP = {
    "order_number": "The order number, e.g. SO-2026-000042",
    "customer_name": "The customer's company name",
    "contact_name": "The customer's contact person",
    "customer_reference": "The customer's own reference (purchase order)",
    "revision_number": "1 for the original order, 2 and up for changes",
    "outcome": "accept or reject (decision notices)",
    "accepted": "True when the decision is an acceptance",
    "requirements": "List of {statement, value, category} (decision notices)",
    "conditions": "List of {statement, discipline, note}: accepted with conditions",
    "reasons": "The reasons given for a rejection",
    "change_reason": "Why the customer changed the order (change notices)",
    "subject_to_agreement": "True when the acceptance waits for the customer to "
    "agree to its conditions",
    "agreement_url": "The link where the customer agrees to or declines the "
    "conditions (only when subject_to_agreement)",
}

DEFAULT_TEMPLATES: dict[str, tuple[str, str]] = {
    NoticeKind.ACKNOWLEDGEMENT: (
        "We have received your order {{ order_number }}",
        "Dear {{ contact_name|default:customer_name }},\n\n"
        "thank you for your order"
        "{% if customer_reference %} (your reference {{ customer_reference }})"
        "{% endif %}. We have registered it as {{ order_number }} and are now "
        "reviewing whether we can meet all of its requirements. We will write to you "
        "again with our decision.\n\nKind regards,\nCustomer service\n",
    ),
    NoticeKind.ACCEPTANCE: (
        "Order {{ order_number }} accepted"
        "{% if subject_to_agreement %} subject to your agreement{% endif %}",
        "Dear {{ contact_name|default:customer_name }},\n\n"
        "we have reviewed order {{ order_number }} and accept it"
        "{% if subject_to_agreement %}, subject to your agreement to the conditions "
        "below,{% endif %} with the following requirements:\n\n"
        "{% for r in requirements %}- {{ r.statement }}: {{ r.value }}\n{% endfor %}"
        "{% if conditions %}\nConditions:\n"
        "{% for c in conditions %}- {{ c.statement }} ({{ c.discipline }}): "
        "{{ c.note }}\n{% endfor %}{% endif %}"
        "{% if agreement_url %}\nPlease tell us whether you agree to these "
        "conditions: {{ agreement_url }}\nThe order is accepted once you agree."
        "\n{% endif %}"
        "\nKind regards,\nCustomer service\n",
    ),
    NoticeKind.REJECTION: (
        "Order {{ order_number }}: we cannot accept it",
        "Dear {{ contact_name|default:customer_name }},\n\n"
        "we have reviewed order {{ order_number }} and regret that we cannot accept "
        "it, for these reasons:\n\n{{ reasons }}\n\n"
        "Please contact us if you would like to discuss a change.\n\n"
        "Kind regards,\nCustomer service\n",
    ),
    NoticeKind.CHANGE: (
        "Change {{ revision_number }} to order {{ order_number }}: "
        "{% if accepted %}accepted{% else %}not accepted{% endif %}",
        "Dear {{ contact_name|default:customer_name }},\n\n"
        "we have reviewed your change to order {{ order_number }} "
        "(revision {{ revision_number }})"
        "{% if change_reason %}: {{ change_reason }}{% endif %}.\n\n"
        "{% if accepted %}We accept the order as changed. Its requirements are now:\n\n"
        "{% for r in requirements %}- {{ r.statement }}: {{ r.value }}\n{% endfor %}"
        "{% if conditions %}\nConditions:\n"
        "{% for c in conditions %}- {{ c.statement }} ({{ c.discipline }}): "
        "{{ c.note }}\n{% endfor %}{% endif %}"
        "{% if agreement_url %}\nThe change is accepted once you agree to these "
        "conditions; please tell us whether you do: {{ agreement_url }}\n{% endif %}"
        "{% else %}We cannot accept the change, for these reasons:\n\n{{ reasons }}\n"
        "{% endif %}\nKind regards,\nCustomer service\n",
    ),
}


DEFAULT_TEMPLATES[NoticeKind.RECEIPT] = (
    "We have received your request {{ order_number }}",
    "Dear {{ contact_name|default:customer_name }},\n\n"
    "thank you for your request"
    "{% if customer_reference %} (your reference {{ customer_reference }})"
    "{% endif %}. Its reference is {{ order_number }}: please quote it whenever you "
    "contact us about it. We will confirm the details with you before we accept "
    "the order.\n\nKind regards,\nCustomer service\n",
)

NO_ADDRESS = "The customer has no e-mail address."


# What the notice on file says in place of the customer's answer link. The link
# itself is made when the worker sends the e-mail (a fresh token, only its hash
# stored) and is in the e-mail only: nobody who reads the notice, its history or
# the logged communication can answer in the customer's name.
AGREEMENT_LINK_PLACEHOLDER = "[your personal answer link, in the e-mail only]"


def agreement_url(token: str) -> str:
    """The absolute address of the page where the customer answers the conditions."""
    path = reverse("orders:agreement_portal", args=[token])
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{path}"


def with_agreement_request(body: str, context: dict[str, Any]) -> str:
    """The body, with the request to agree to the conditions added when the
    template does not show the link itself (one edited before conditional
    acceptance existed): the customer must always be able to answer."""
    url = context.get("agreement_url")
    if not url or url in body:
        return body
    lines = [
        "",
        "This acceptance is subject to your agreement to the conditions:",
        *(
            f"- {c['statement']} ({c['discipline']}): {c['note']}"
            for c in context.get("conditions", [])
        ),
        f"Please tell us whether you agree to them: {url}",
        "",
    ]
    return body.rstrip("\n") + "\n" + "\n".join(lines)


def render_text(source: str, context: dict[str, Any]) -> str:
    """Render template text; NoticeTemplateError names what is not allowed.

    Checked on every render, not only on save: a template stored before the notice
    language was restricted fails with that message instead of rendering.
    """
    return notice_language.render_checked(source, context)


def sample_context(kind: str) -> dict[str, Any]:
    """Believable data for previews and for validating a template before it is saved."""
    accepted = kind != NoticeKind.REJECTION
    return {
        "order_number": "SO-2026-000042",
        "customer_name": "Acme Precision Ltd",
        "contact_name": "Jo Buyer",
        "customer_reference": "PO-7781",
        "revision_number": 2 if kind == NoticeKind.CHANGE else 1,
        "outcome": "accept" if accepted else "reject",
        "accepted": accepted,
        "requirements": [
            {"statement": "Material", "value": "Stainless steel 316L", "category": ""},
            {"statement": "Quantity", "value": "250", "category": ""},
        ],
        "conditions": [
            {
                "statement": "Delivery date",
                "discipline": "Production / capacity",
                "note": "Delivery in two batches, the second two weeks later.",
            }
        ],
        "reasons": "" if accepted else "We cannot machine titanium parts this size.",
        "subject_to_agreement": accepted,
        "agreement_url": "https://orders.example.com/agreement/sample-link/"
        if accepted
        else "",
        "change_reason": "Quantity raised from 200 to 250"
        if kind == NoticeKind.CHANGE
        else "",
    }


def validate_template(*, kind: str, subject: str, body: str) -> tuple[str, str]:
    """Render subject and body with sample data; ValidationError names the field."""
    rendered: dict[str, str] = {}
    errors: dict[str, str] = {}
    for field, source in (("subject", subject), ("body", body)):
        try:
            rendered[field] = render_text(source, sample_context(kind))
        except NoticeTemplateError as exc:
            errors[field] = str(exc)
        except Exception as exc:  # any render failure must stop the save, not 500
            errors[field] = f"The template cannot be rendered: {exc}"
    if "subject" in rendered and "\n" in rendered["subject"].strip():
        errors["subject"] = "The subject must be a single line."
    if errors:
        raise ValidationError(errors)
    return rendered["subject"].strip(), rendered["body"]


def sentence_body(text: str) -> str:
    """Text a template ends with its own full stop: without the one it may have.

    Templates say "...: {{ change_reason }}." (admins may have edited them), so a
    reason typed as a sentence must not bring a second full stop.
    """
    return _TRAILING_STOPS.sub("", text or "").strip()


_TRAILING_STOPS = re.compile(r"[\s.]+$")


def recipient(*, order: Any, kind: str) -> str:
    """Where a notice goes: the customer's e-mail, or for a catalog request's receipt
    the address the requester gave (the order's customer is still a placeholder)."""
    if kind == NoticeKind.RECEIPT:
        return str((order.contact_details or {}).get("email", "")).strip()
    return notice_recipient(order)


def customer_fields(order: Any) -> dict[str, Any]:
    """The parts of a notice's context that come from the order and its customer:
    rendered again on a retry, so a fixed contact name reaches the e-mail."""
    return {
        "order_number": order.number,
        "customer_name": order.customer.name,
        "contact_name": order.customer.contact_name,
        "customer_reference": order.customer_reference,
    }


def receipt_context(order: Any) -> dict[str, Any]:
    """A catalog request's receipt speaks to the requester, not the placeholder."""
    contact = order.contact_details or {}
    return {
        "order_number": order.number,
        "customer_name": contact.get("company") or contact.get("name", ""),
        "contact_name": contact.get("name", ""),
        "customer_reference": order.customer_reference,
        "revision_number": 1,
        "requirements": [],
        "conditions": [],
        "reasons": "",
        "change_reason": "",
        "outcome": "",
        "accepted": False,
    }


def retry_context(notice: Any) -> dict[str, Any] | None:
    """The context to render a notice again with, or None to keep its text.

    Notices queued before contexts were kept have none: an acknowledgement's is
    rebuilt from the order (it uses nothing else); the others keep their text.
    """
    order = notice.order
    if notice.kind == NoticeKind.RECEIPT:
        return notice.context or receipt_context(order)
    if notice.context:
        return {**notice.context, **customer_fields(order)}
    if notice.kind == NoticeKind.ACKNOWLEDGEMENT:
        return {
            **customer_fields(order),
            "revision_number": notice.revision_number,
            "change_reason": "",
            "outcome": "",
            "accepted": False,
            "requirements": [],
            "conditions": [],
            "reasons": "",
        }
    return None


def notice_recipient(order: Any) -> str:
    """Where a customer notice for an order goes: the contact e-mail the order's
    form answered (a question mapped to it), else the customer's address."""
    return getattr(order, "contact_email", "") or order.customer.email
