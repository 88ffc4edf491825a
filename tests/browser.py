"""Helpers for browser tests: log in through the real page, run axe-core."""

from playwright.sync_api import Page, expect

from tests.factories import TEST_PASSWORD

AXE_BLOCKING = ("serious", "critical")


def log_in(page: Page, base_url: str, username: str, password: str = TEST_PASSWORD):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def axe_violations(page: Page, base_url: str) -> list[dict]:
    """Serious and critical axe-core violations on the current page.

    axe is loaded from our own static files (vendored from npm), so the page's
    Content Security Policy stays as strict in the test as in production.
    """
    # A page still loading (after a click that navigates) has no <head> to add the
    # script to yet: wait until it has loaded, as a person's tools would.
    page.wait_for_load_state("load")
    page.add_script_tag(url=f"{base_url}/static/vendor/axe/axe.min.js")
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in result["violations"]
        if v["impact"] in AXE_BLOCKING
    ]


def csp_violations(page: Page) -> list[str]:
    """Collect Content Security Policy violation messages from the console."""
    messages: list[str] = []
    page.on(
        "console",
        lambda msg: (
            messages.append(msg.text) if "Content Security Policy" in msg.text else None
        ),
    )
    return messages
