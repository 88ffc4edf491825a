"""Issue 21 (8.2.2) in a real browser: a form admin enters a certificate with its
evidence, approves it, and the public catalog shows it; axe on each page."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from communications.models import CatalogClaim
from tests import factories
from tests.browser import axe_violations, csp_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_certificate_from_entry_to_the_public_catalog(
    page: Page, live_server, form_admin, second_form_admin, tmp_path
):
    factories.OfferingFactory(name="Precision turning")
    certificate = tmp_path / "iso9001.pdf"
    certificate.write_bytes(PDF)
    csp = csp_violations(page)
    log_in(page, live_server.url, "formadmin")
    page.goto(live_server.url + reverse("communications:offering_list"))
    page.get_by_role("link", name="Claims and certificates").click()
    page.get_by_role("link", name="New claim").click()

    page.get_by_label("What is claimed").fill("ISO 9001:2015 certified, cert. 12345")
    page.get_by_label("Valid until").fill("2099-12-31")
    page.get_by_role("button", name="Save").click()
    # No evidence yet: the form says so and keeps the text.
    expect(
        page.get_by_text("Attach the certificate or other evidence.")
    ).to_be_visible()
    expect(page.get_by_label("What is claimed")).to_have_value(
        "ISO 9001:2015 certified, cert. 12345"
    )
    assert axe_violations(page, live_server.url) == []
    page.get_by_label("Evidence").set_input_files(str(certificate))
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Awaiting approval")).to_be_visible()
    assert axe_violations(page, live_server.url) == []
    # Whoever wrote it does not approve it: a second form admin does.
    page.get_by_role("button", name="Approve this claim").click()
    expect(page.get_by_text("another form admin approves it")).to_be_visible()
    claim_url = page.url
    page.context.clear_cookies()
    log_in(page, live_server.url, "formadmin2")
    page.goto(claim_url)
    page.get_by_role("button", name="Approve this claim").click()
    expect(page.get_by_text("Approved", exact=True)).to_be_visible()
    assert CatalogClaim.objects.get().approved_by == second_form_admin

    page.goto(live_server.url + reverse("communications:catalog"))
    expect(page.get_by_text("ISO 9001:2015 certified, cert. 12345")).to_be_visible()
    assert axe_violations(page, live_server.url) == []
    assert csp == []
