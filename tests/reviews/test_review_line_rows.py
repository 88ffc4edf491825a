"""The review page of many lines shows the rows of the first lines with work for
the reader; every other line is folded with its counts, and its rows are read
when it is unfolded (reviews:review_line), or, with JavaScript off, through the
page filtered to that line (?line=L12)."""

import re

import pytest
from django.urls import reverse

from reviews.models import Review
from reviews.page_views import LINES_SHOWN
from tests.reviews.conftest import assess
from tests.reviews.lines_world import submit_lines_revision

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
LINES = LINES_SHOWN + 2
LAST = f"L{LINES}"


def get(client, user, url: str):
    client.force_login(user)
    return client.get(url)


def line_url(review: Review, line: str = LAST) -> str:
    return reverse("reviews:review_line", args=[review.pk, line])


def page_url(review: Review) -> str:
    return reverse("reviews:review_detail", args=[review.pk])


def details(page: str, line: str) -> str:
    """The opening tag of a line's group."""
    return re.search(rf'<details class="mb-4 line-group" id="line-{line}"[^>]*>', page)[
        0
    ]


def slot_of(review: Review, key: str):
    return review.assessments.select_related("requirement").get(requirement__key=key)


@pytest.fixture
def many_lines(engineering) -> Review:
    return submit_lines_revision(LINES)


def test_a_folded_line_says_what_is_open_without_its_rows(client, reviewer, many_lines):
    assess(slot_of(many_lines, f"{LAST}.part"), reviewer)
    page = get(client, reviewer, page_url(many_lines)).content.decode()
    # The first lines with work for the reviewer are shown, with their rows.
    assert details(page, "L1").endswith(" open>")
    assert "Line 1 · Coating thickness</div>" in page
    folded = details(page, LAST)
    assert " open" not in folded
    assert f'hx-get="{line_url(many_lines)}"' in folded
    assert f"Line {LINES} · Coating thickness</div>" not in page
    # Its counts are still right: Production's quantity and the thickness open.
    group = page[page.index(folded) :]
    assert re.search(rf"Line {LINES} <span[^>]*>2 open</span>", group)
    assert re.search(r"<span[^>]*>1 for you</span>", group)
    assert f"Show the 3 item(s) of Line {LINES}" in group
    # The page's total counts every line's open items and the PO number, less
    # the one assessed.
    assert '<span id="pending-total">' + str(3 * LINES) + "</span>" in page


def test_unfolding_a_line_reads_its_rows_with_forms_for_my_discipline_only(
    client, reviewer, many_lines
):
    response = get(client, reviewer, line_url(many_lines))
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "reviews/_line_body.html"
    rows = response.content.decode()
    assert rows.count('class="list-group-item" id="a') == 3
    thickness = slot_of(many_lines, f"{LAST}.thickness")
    quantity = slot_of(many_lines, f"{LAST}.qty")
    assert f'action="/reviews/{many_lines.pk}/assessments/{thickness.pk}/"' in rows
    assert f"/assessments/{quantity.pk}/" not in rows
    assert f'id="discipline-{LAST}-engineering"' in rows
    assert re.search(rf'id="pending-{LAST}-production">1 open</span>', rows)


def test_without_javascript_the_link_in_a_folded_line_opens_the_page_with_it(
    client, reviewer, many_lines
):
    page = get(client, reviewer, page_url(many_lines)).content.decode()
    link = re.search(rf'<a href="([^"]+)">Show the 3 item\(s\) of Line {LINES}', page)
    assert link[1] == f"{page_url(many_lines)}?line={LAST}#line-{LAST}"
    shown = get(client, reviewer, link[1].split("#")[0]).content.decode()
    assert details(shown, LAST).endswith(" open>")
    thickness = slot_of(many_lines, f"{LAST}.thickness")
    assert f'action="/reviews/{many_lines.pk}/assessments/{thickness.pk}/"' in shown
    # Saved without JavaScript: back on the page with that line shown.
    response = client.post(
        reverse("reviews:assessment_save", args=[many_lines.pk, thickness.pk]),
        {
            f"a{thickness.pk}-verdict": "can_meet",
            f"a{thickness.pk}-note": "",
            f"a{thickness.pk}-version": thickness.version,
        },
    )
    assert response.url == f"{page_url(many_lines)}?line={LAST}#a{thickness.pk}"


def test_a_requested_line_that_is_not_a_line_shows_the_page_as_usual(
    client, reviewer, many_lines
):
    response = get(client, reviewer, f"{page_url(many_lines)}?line=L999")
    assert response.status_code == 200
    assert " open" not in details(response.content.decode(), LAST)


def test_next_open_item_on_a_line_not_on_the_page_links_through_the_page(
    client, reviewer, many_lines
):
    page = get(client, reviewer, page_url(many_lines)).content.decode()
    last_shown = slot_of(many_lines, f"L{LINES_SHOWN}.thickness")
    next_part = slot_of(many_lines, f"L{LINES_SHOWN + 1}.part")
    row = page[page.index(f'id="a{last_shown.pk}"') :]
    link = re.search(r'href="([^"]+)">Next open item', row)[1]
    assert link == (f"{page_url(many_lines)}?line=L{LINES_SHOWN + 1}#a{next_part.pk}")


def test_htmx_save_in_an_unfolded_line_swaps_its_counts_out_of_band(
    client, reviewer, many_lines
):
    thickness = slot_of(many_lines, f"{LAST}.thickness")
    client.force_login(reviewer)
    response = client.post(
        reverse("reviews:assessment_save", args=[many_lines.pk, thickness.pk]),
        {
            f"a{thickness.pk}-verdict": "conditions",
            f"a{thickness.pk}-note": "Only 20 µm",
            f"a{thickness.pk}-version": thickness.version,
        },
        **HTMX,
    )
    body = response.content.decode()
    assert "Only 20 µm" in body
    oob = re.findall(
        r'<span[^>]*id="([^"]+)"[^>]*hx-swap-oob="true"[^>]*>([^<]*)<', body
    )
    assert dict(oob) == {
        f"pending-{LAST}-engineering": "1 open",
        f"line-{LAST}-open": "2 open",
        f"line-{LAST}-mine": "1 for you",
        # Every line's three items and the PO number, less the one just saved.
        "pending-total": str(3 * LINES + 1 - 1),
        "my-open-count": str(2 * LINES + 1 - 1),
    }
    # Changed again: the reader's own count did not change, and is left alone.
    thickness.refresh_from_db()
    again = client.post(
        reverse("reviews:assessment_save", args=[many_lines.pk, thickness.pk]),
        {
            f"a{thickness.pk}-verdict": "can_meet",
            f"a{thickness.pk}-note": "",
            f"a{thickness.pk}-version": thickness.version,
        },
        **HTMX,
    ).content.decode()
    assert f'id="line-{LAST}-open" hx-swap-oob="true">2 open' in again
    assert "my-open-count" not in again


def test_the_line_rows_refuse_as_the_page_does(
    client, many_lines, service_user, auditor, approver, form_admin
):
    url = line_url(many_lines)
    assert client.get(url).url.startswith("/accounts/login/")
    for reader in (service_user, auditor, approver):
        rows = get(client, reader, url)
        assert rows.status_code == 200
        # Readers without the discipline see the rows without forms.
        assert "<form" not in rows.content.decode()
    assert get(client, form_admin, url).status_code == 403
    client.force_login(approver)
    assert client.post(url).status_code == 405
    for line in ("L999", "x", "L0"):
        assert client.get(line_url(many_lines, line)).status_code == 404
    other = submit_lines_revision(1)
    assert client.get(line_url(other, "L2")).status_code == 404


def test_a_superseded_revisions_lines_are_read_as_its_page_reads_them(
    client, reviewer, engineering
):
    first = submit_lines_revision(LINES)
    submit_lines_revision(2, order=first.order, number=2)
    first.refresh_from_db()
    assert first.state == Review.State.SUPERSEDED
    page = get(client, reviewer, page_url(first)).content.decode()
    # Nothing is open for anyone on a superseded review: every line folded.
    assert page.count('hx-trigger="toggle once"') == LINES
    assert "Skip to my first open item" not in page
    rows = get(client, reviewer, line_url(first)).content.decode()
    assert rows.count('class="list-group-item" id="a') == 3
    assert "<form" not in rows
