"""A Form admin builds a form in a real browser, previews it live, and publishes it."""

import pytest
from playwright.sync_api import Page, expect

from orders.models import OrderFormVersion
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_form_admin_builds_previews_and_publishes_a_form(
    page: Page, live_server, form_admin, engineering, quality
):
    log_in(page, live_server, "formadmin")
    page.get_by_role("link", name="Order forms").first.click()
    page.get_by_role("link", name="New form").click()
    page.get_by_label("Name").fill("Laser cutting")
    page.get_by_label("Slug").fill("laser-cutting")
    page.get_by_role("button", name="Create form").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Laser cutting v1")

    page.get_by_role("link", name="Add question").click()
    page.get_by_label("Key").fill("coating")
    page.locator("#id_label").fill("Coated after cutting?")
    page.get_by_label("Kind").select_option(label="Yes / no")
    page.get_by_label("Required").check()
    preview = page.locator("#form-preview")
    # The live preview follows what is typed, before anything is saved.
    expect(preview).to_contain_text("Coated after cutting?")
    page.get_by_role("button", name="Save question").click()
    expect(page.get_by_text("Question coating saved.")).to_be_visible()

    page.get_by_role("link", name="Add question").click()
    page.get_by_label("Key").fill("colour")
    page.locator("#id_label").fill("Powder coat colour")
    page.get_by_label("Discipline").select_option(label="Quality")
    page.get_by_label("Required").check()
    page.get_by_label("Show only if question").select_option("coating")
    page.get_by_label("has one of these answers").fill("yes")
    expect(preview).to_contain_text("Powder coat colour")
    page.get_by_role("button", name="Save question").click()
    expect(page.get_by_text("Question colour saved.")).to_be_visible()

    # The preview on the version page shows and hides the dependent question live.
    colour = preview.get_by_label("Powder coat colour")
    expect(colour).to_be_hidden()
    preview.get_by_label("Yes").check()
    expect(colour).to_be_visible()
    colour.fill("RAL 9005")
    preview.get_by_label("No").check()
    expect(colour).to_be_hidden()
    preview.get_by_role("button", name="Check answers").click()
    expect(preview.get_by_text("these would be kept")).to_be_visible()
    expect(preview).not_to_contain_text("RAL 9005")

    page.get_by_label("Change note").fill("First release for the laser cell.")
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_text("Version 1 published.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Published")
    expect(page.get_by_role("link", name="Add question")).to_have_count(0)

    version = OrderFormVersion.objects.get(form__slug="laser-cutting")
    assert version.status == OrderFormVersion.Status.PUBLISHED
    assert version.published_by == form_admin
    assert list(version.questions.values_list("key", "show_if_question")) == [
        ("coating", ""),
        ("colour", "coating"),
    ]
