"""Notice templates speak a small language: the documented placeholders, if/for/
comment and a short list of filters. Anything else is refused beside the field when
saving, and a stored template that breaks the rules fails visibly when it is used."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from communications.models import NoticeTemplate, OutboundNotice
from communications.notice_language import FILTERS, PLACEHOLDERS
from orderreview import events

pytestmark = pytest.mark.django_db


def template_url(kind: str) -> str:
    return reverse("communications:template_edit", args=[kind])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{% debug %}", "{% debug %} is not allowed"),
        ("{% lorem 20000 p %}", "{% lorem %} is not allowed"),
        ("{% load humanize %}", "{% load %} is not allowed"),
        ("{% include 'base.html' %}", "{% include %} is not allowed"),
        ("{{ order_numer }}", "{{ order_numer }} is not a placeholder"),
        ("{% if secret %}x{% endif %}", "{{ secret }} is not a placeholder"),
        ("{{ order_number|default:settings }}", "{{ settings }} is not a placeholder"),
        ("{{ reasons|safe }}", "Invalid filter: 'safe'"),
        (
            "{% for r in requirements %}{{ r.statment }}{% endfor %}",
            "{{ r.statment }} is not a placeholder",
        ),
        (
            "{% for r in requirements %}{% for c in conditions %}{% endfor %}"
            "{% endfor %}",
            "inside another {% for %}",
        ),
    ],
)
def test_a_template_outside_the_notice_language_is_refused_beside_the_field(
    client, form_admin, body, message
):
    client.force_login(form_admin)

    response = client.post(
        template_url("rejection"), {"subject": "Sorry", "body": body, "save": "1"}
    )

    assert response.status_code == 200
    assert message in response.context["form"].errors["body"][0]
    assert body.split("}")[0] in response.content.decode().replace("&#x27;", "'")
    assert NoticeTemplate.objects.get(kind="rejection").subject != "Sorry"


def test_the_preview_of_debug_shows_an_error_not_the_context(client, form_admin):
    client.force_login(form_admin)

    response = client.post(
        template_url("acknowledgement"),
        {"subject": "Hi", "body": "{% debug %}", "preview": "1"},
    )

    assert response.status_code == 200
    assert response.context["preview"] is None
    assert "site-packages" not in response.content.decode()
    assert "{% debug %} is not allowed" in response.context["form"].errors["body"][0]


def test_every_documented_placeholder_and_filter_is_accepted(client, form_admin):
    client.force_login(form_admin)
    scalars = [name for name, fields in PLACEHOLDERS.items() if fields is None]
    body = " ".join(f"{{{{ {name}|{FILTERS[0]}:'' }}}}" for name in scalars)
    body += " {% for r in requirements %}{{ forloop.counter }}. {{ r.statement }}"
    body += ": {{ r.value }} ({{ r.category }}){% endfor %}"
    body += "{% for c in conditions %}{{ c.statement }} {{ c.discipline }}"
    body += " {{ c.note }}{% empty %}none{% endfor %}{% comment %}x{% endcomment %}"
    body += "{{ requirements.0.statement }}{{ requirements|length }}"
    with_argument = {
        "default",
        "default_if_none",
        "join",
        "truncatewords",
        "truncatechars",
    }
    body += " ".join(
        f"{{{{ customer_name|{name}:'3' }}}}"
        if name in with_argument
        else f"{{{{ customer_name|{name} }}}}"
        for name in FILTERS
    )

    response = client.post(
        template_url("acceptance"), {"subject": "Ok", "body": body, "save": "1"}
    )

    assert response.status_code == 302, response.context["form"].errors
    assert NoticeTemplate.objects.get(kind="acceptance").body == body


def test_a_stored_template_with_an_unknown_placeholder_fails_visibly_when_sent(
    revision, django_capture_on_commit_callbacks
):
    # Saved before the rules (or by a database edit): the service never saw it.
    NoticeTemplate.objects.filter(kind="acknowledgement").update(
        body="Your order {{ order_numer }} arrived."
    )

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.revision_submitted.send(sender=None, revision=revision)

    notice = OutboundNotice.objects.get()
    assert notice.status == OutboundNotice.Status.FAILED
    assert "{{ order_numer }} is not a placeholder" in notice.last_error
    assert mail.outbox == []


def test_the_template_page_of_a_stored_bad_template_shows_why(client, form_admin):
    NoticeTemplate.objects.filter(kind="acknowledgement").update(body="{% debug %}")
    client.force_login(form_admin)

    response = client.get(template_url("acknowledgement"))

    assert response.status_code == 200
    assert "{% debug %} is not allowed" in response.context["form"].errors["body"][0]
    assert "site-packages" not in response.content.decode()
