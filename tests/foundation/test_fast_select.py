"""The filter forms' select widgets are written in Python (orderreview.forms.
FastSelectRenderer): the markup must be what Django's own templates write, and
every text in it escaped."""

import pytest
from django import forms
from django.forms.renderers import get_default_renderer
from django.test.html import parse_html
from django.urls import reverse

from audit.forms import TimelineFilterForm
from communications.forms import CommunicationFilterForm
from orderreview.forms import FAST_SELECT_RENDERER
from orders.forms import OrderFilterForm
from tests import factories

HOSTILE = '<b>Bold</b> & {{ secret }} {% now "Y" %} "quoted"'


class Grouped(forms.Form):
    kind = forms.ChoiceField(
        choices=[
            ("", "Any"),
            ("Metal <alloys>", [("steel", "Steel & iron"), ("alu", "Aluminium")]),
            ("plastic", "Plastic"),
        ]
    )
    many = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B"), ("c", "C")], required=False
    )


def _both(form_class: type[forms.Form], data: dict) -> list[tuple[str, str, str]]:
    """Each select field of the form as the fast renderer and Django's write it."""
    pairs = []
    for renderer in (FAST_SELECT_RENDERER, get_default_renderer()):
        form = form_class(data, renderer=renderer)
        form.is_valid()
        pairs.append(
            {
                field.name: str(field)
                for field in form
                if isinstance(field.field.widget, forms.Select)
            }
        )
    fast, django = pairs
    assert fast.keys() == django.keys() and fast
    return [(name, fast[name], django[name]) for name in fast]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("form_class", "data"),
    [
        (OrderFilterForm, {"status": "accepted", "channel": "phone"}),
        (OrderFilterForm, {}),
        (CommunicationFilterForm, {"kind": "complaint", "follow_up": "open"}),
        (TimelineFilterForm, {"model": "orders.order"}),
        (Grouped, {"kind": "alu", "many": ["a", "c"]}),
    ],
)
def test_fast_selects_are_the_markup_djangos_templates_write(form_class, data):
    factories.CustomerFactory.create_batch(3)
    factories.CustomerFactory(name=HOSTILE)
    for name, fast, django in _both(form_class, data):
        assert parse_html(fast) == parse_html(django), name


@pytest.mark.django_db
def test_a_customer_name_in_the_filter_is_text_not_markup(client, service_user):
    customer = factories.CustomerFactory(name=HOSTILE)
    client.force_login(service_user)
    for url in (
        reverse("orders:order_list"),
        reverse("communications:communication_list"),
    ):
        page = client.get(url, {"customer": customer.pk}).content.decode()
        assert (
            f'<option value="{customer.pk}" selected>'
            "&lt;b&gt;Bold&lt;/b&gt; &amp; {{ secret }} {% now &quot;Y&quot; %} "
            "&quot;quoted&quot;"
        ) in page
        assert "<b>Bold</b>" not in page
