"""The register of statutory and regulatory requirements: form admins keep it,
auditors read it, and it says which entries apply to which orders."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from orders.regulations import selectors
from orders.regulations.models import StatutoryRequirement
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("regulations:register_list")
NEW = reverse("regulations:register_create")


def entry_post(discipline, **changes):
    data = {
        "reference": "Directive 2011/65/EU (RoHS)",
        "title": "Restriction of hazardous substances",
        "kind": "directive",
        "jurisdiction": "EU",
        "summary": "Lead, mercury and cadmium below the limits.",
        "link": "https://eur-lex.europa.eu/eli/dir/2011/65/oj",
        "discipline": discipline.pk,
        "active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_form_admin_adds_an_entry_and_its_history_names_them(
    client, form_admin, quality
):
    form = factories.OrderFormFactory(name="CNC parts")
    client.force_login(form_admin)
    response = client.post(NEW, entry_post(quality, forms=[form.pk]))
    assert response.status_code == 302
    entry = StatutoryRequirement.objects.get()
    assert (entry.reference, entry.discipline, entry.version) == (
        "Directive 2011/65/EU (RoHS)",
        quality,
        1,
    )
    assert list(entry.forms.all()) == [form]
    record = entry.history.latest()
    assert (record.history_user, record.history_change_reason) == (
        form_admin,
        "Created; applies to CNC parts",
    )
    page = client.get(LIST).content.decode()
    assert "Directive 2011/65/EU (RoHS)" in page
    assert "CNC parts" in page


def test_a_duplicate_reference_is_refused_beside_the_field_and_typed_text_kept(
    client, form_admin, quality
):
    factories.StatutoryRequirementFactory(reference="Directive 2011/65/EU (RoHS)")
    client.force_login(form_admin)
    response = client.post(NEW, entry_post(quality, title="Typed title kept"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "already exists" in page
    assert "Typed title kept" in page
    assert StatutoryRequirement.objects.count() == 1


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://files.example/x"])
def test_only_web_links_are_accepted(client, form_admin, quality, link):
    client.force_login(form_admin)
    response = client.post(NEW, entry_post(quality, link=link))
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert not StatutoryRequirement.objects.exists()


def test_the_database_refuses_a_link_that_is_not_a_web_address(quality):
    entry = factories.StatutoryRequirementFactory(discipline=quality)
    with pytest.raises(IntegrityError), transaction.atomic():
        StatutoryRequirement.objects.filter(pk=entry.pk).update(
            link="javascript:alert(1)"
        )


def test_user_text_is_shown_literally_and_a_link_only_when_it_is_a_web_address(
    client, form_admin, auditor, quality
):
    entry = factories.StatutoryRequirementFactory(
        discipline=quality,
        title="<b>{{ request.user.password }}</b> {% now 'Y' %}",
        link="https://example.com/?a=<script>",
    )
    client.force_login(auditor)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "&lt;b&gt;{{ request.user.password }}&lt;/b&gt; {% now &#x27;Y&#x27; %}" in (
        page
    )
    assert 'href="https://example.com/?a=&lt;script&gt;"' in page
    # Auditors read the entry but get no form to change it.
    assert 'name="reference"' not in page


def test_changing_what_reviewers_confirm_counts_up_the_version_and_forms_do_not(
    client, form_admin, quality
):
    form = factories.OrderFormFactory()
    entry = factories.StatutoryRequirementFactory(
        discipline=quality, reference="EN 10204", title="Inspection documents"
    )
    client.force_login(form_admin)
    url = entry.get_absolute_url()
    same = entry_post(quality, reference="EN 10204", title="Inspection documents")
    same.update(kind=entry.kind, jurisdiction=entry.jurisdiction, summary="", link="")
    client.post(url, same)
    entry.refresh_from_db()
    assert entry.version == 1
    assert entry.history.count() == 1  # saved unchanged: nothing written
    client.post(url, {**same, "forms": [form.pk]})
    entry.refresh_from_db()
    assert entry.version == 1
    assert list(entry.forms.all()) == [form]
    client.post(url, {**same, "forms": [form.pk], "title": "Inspection documents 3.1"})
    entry.refresh_from_db()
    assert (entry.version, entry.title) == (2, "Inspection documents 3.1")
    assert entry.history.latest().history_change_reason == (
        f"Changed; applies to {form.name}"
    )


def test_withdrawing_asks_first_and_stops_it_applying(client, form_admin, quality):
    form = factories.OrderFormFactory()
    entry = factories.StatutoryRequirementFactory(discipline=quality, forms=[form])
    client.force_login(form_admin)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert 'data-confirm="Withdraw this entry?' in page
    url = reverse("regulations:register_withdraw", args=[entry.pk])
    assert client.post(url).status_code == 302
    entry.refresh_from_db()
    assert not entry.active
    assert entry.history.latest().history_change_reason == "Withdrawn"
    assert selectors.applicable_to_form(form.pk) == []
    again = client.post(url, follow=True).content.decode()
    assert "It is already withdrawn." in again


def test_auditors_read_the_register_but_cannot_change_it(client, auditor, quality):
    entry = factories.StatutoryRequirementFactory(discipline=quality)
    client.force_login(auditor)
    assert client.get(LIST).status_code == 200
    assert client.post(entry.get_absolute_url(), entry_post(quality)).status_code == (
        403
    )
    withdraw = reverse("regulations:register_withdraw", args=[entry.pk])
    assert client.post(withdraw).status_code == 403
    entry.refresh_from_db()
    assert entry.active


def test_register_pages_refuse_anonymous_wrong_roles_unknown_and_wrong_methods(
    client, reviewer, service_user, form_admin
):
    assert "/accounts/login/" in client.get(LIST)["Location"]
    for user in (reviewer, service_user):
        client.force_login(user)
        assert client.get(LIST).status_code == 403
    client.force_login(form_admin)
    assert client.get(reverse("regulations:register_edit", args=[999])).status_code == (
        404
    )
    assert client.put(LIST).status_code == 405
    withdraw = reverse("regulations:register_withdraw", args=[999])
    assert client.get(withdraw).status_code == 405


def test_an_entry_applies_to_its_forms_every_form_and_its_offerings_forms(quality):
    cnc, calibration, other = factories.OrderFormFactory.create_batch(3)
    named = factories.StatutoryRequirementFactory(reference="A named", forms=[cnc])
    everywhere = factories.StatutoryRequirementFactory(
        reference="B everywhere", all_forms=True
    )
    offered = factories.StatutoryRequirementFactory(reference="C offered")
    factories.OfferingFactory(order_form=calibration).statutory_requirements.add(
        offered
    )
    retired_offer = factories.StatutoryRequirementFactory(reference="D retired offer")
    factories.OfferingFactory(
        order_form=other, active=False
    ).statutory_requirements.add(retired_offer)
    factories.StatutoryRequirementFactory(
        reference="E withdrawn", forms=[cnc], active=False
    )

    assert selectors.applicable_to_form(cnc.pk) == [named, everywhere]
    assert selectors.applicable_to_form(calibration.pk) == [everywhere, offered]
    assert selectors.applicable_to_form(other.pk) == [everywhere]


def test_the_public_catalog_lists_an_offerings_applicable_regulations(client):
    offering = factories.OfferingFactory(name="Machined parts")
    shown = factories.StatutoryRequirementFactory(
        reference="Directive 2011/65/EU (RoHS)",
        title="<i>Hazardous</i> substances",
        link="https://eur-lex.europa.eu/eli/dir/2011/65/oj",
    )
    withdrawn = factories.StatutoryRequirementFactory(
        reference="Old directive", active=False
    )
    offering.statutory_requirements.add(shown, withdrawn)
    page = client.get(reverse("communications:catalog")).content.decode()
    assert "Applicable regulations" in page
    assert (
        '<a href="https://eur-lex.europa.eu/eli/dir/2011/65/oj" rel="noopener '
        'noreferrer">Directive 2011/65/EU (RoHS)</a> — &lt;i&gt;Hazardous&lt;/i&gt; '
        "substances"
    ) in page
    assert "Old directive" not in page


def test_a_form_admin_lists_the_regulations_of_an_offering(client, form_admin):
    form = factories.OrderFormFactory()
    offering = factories.OfferingFactory(order_form=form)
    entry = factories.StatutoryRequirementFactory()
    client.force_login(form_admin)
    response = client.post(
        reverse("communications:offering_edit", args=[offering.pk]),
        {
            "name": offering.name,
            "description": offering.description,
            "order_form": form.pk,
            "statutory_requirements": [entry.pk],
            "active": "on",
            "position": 0,
        },
    )
    assert response.status_code == 302
    assert list(offering.statutory_requirements.all()) == [entry]
    assert selectors.applicable_to_form(form.pk) == [entry]


@pytest.mark.parametrize("rows", [1, 12])
def test_the_register_list_keeps_its_query_count(
    client, form_admin, rows, django_assert_num_queries
):
    forms = factories.OrderFormFactory.create_batch(3)
    factories.StatutoryRequirementFactory.create_batch(rows, forms=forms)
    client.force_login(form_admin)
    # session, user, groups; the entries with their discipline; their forms
    with django_assert_num_queries(5):
        response = client.get(LIST)
    assert response.content.decode().count("Directive 2011/") == rows


def test_the_audit_trail_names_the_forms_each_change_applied_to(
    client, form_admin, auditor, quality
):
    cnc = factories.OrderFormFactory(name="CNC parts")
    calibration = factories.OrderFormFactory(name="Calibration")
    client.force_login(form_admin)
    client.post(NEW, entry_post(quality, forms=[cnc.pk]))
    entry = StatutoryRequirement.objects.get()
    client.post(entry.get_absolute_url(), entry_post(quality, forms=[calibration.pk]))
    client.post(entry.get_absolute_url(), entry_post(quality, all_forms="on"))
    assert [r.history_change_reason for r in entry.history.order_by("history_id")] == [
        "Created; applies to CNC parts",
        "Changed; applies to Calibration",
        "Changed; applies to every form",
    ]
    client.force_login(auditor)
    page = client.get(
        reverse("audit:object_history", args=["orders.statutoryrequirement", entry.pk])
    )
    assert page.status_code == 200
    assert "Changed; applies to Calibration" in page.content.decode()
