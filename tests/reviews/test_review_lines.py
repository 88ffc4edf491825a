"""The review page of an order with lines: what is asked once first, then one
folding group per line with its open count, by discipline within it; its query
count does not grow with the lines."""

import re

import pytest
from django.urls import reverse

from reviews.page_views import LINES_SHOWN
from tests.reviews.conftest import assess
from tests.reviews.lines_world import submit_lines_revision

pytestmark = pytest.mark.django_db


def page_of(client, user, review) -> str:
    client.force_login(user)
    response = client.get(reverse("reviews:review_detail", args=[review.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_items_asked_once_come_first_then_one_group_per_line_in_line_order(
    client, reviewer, engineering, production
):
    review = submit_lines_revision(3)
    page = page_of(client, reviewer, review)
    po = page.index("PO number")
    starts = [
        page.index(f'<details class="mb-4 line-group" id="line-L{n}"')
        for n in (1, 2, 3)
    ]
    assert po < starts[0] < starts[1] < starts[2]
    line2 = page[starts[1] : starts[2]]
    # Line 2 holds its own three items, Engineering's and Production's apart.
    assert "Line 2 · Part number" in line2 and "Line 2 · Quantity" in line2
    assert "Line 3 · Part number</div>" not in line2
    assert 'id="discipline-L2-engineering"' in line2
    assert 'id="discipline-L2-production"' in line2
    assert re.search(r"Line 2 <span[^>]*>3 open</span>", line2)
    assert re.search(r"<span[^>]*>2 for you</span>", line2)


def test_a_line_with_nothing_left_for_me_is_folded_and_one_with_work_is_not(
    client, reviewer, engineering
):
    review = submit_lines_revision(2)
    for slot in review.assessments.filter(
        requirement__key__startswith="L1.", discipline=engineering
    ):
        assess(slot, reviewer)
    page = page_of(client, reviewer, review)
    line1 = re.search(r'<details class="mb-4 line-group" id="line-L1"[^>]*>', page)
    line2 = re.search(r'<details class="mb-4 line-group" id="line-L2"[^>]*>', page)
    assert " open" not in line1.group(0)
    assert line2.group(0).endswith(" open>")
    # The line still says what is open there for others: Production's quantity.
    assert re.search(r"Line 1 <span[^>]*>1 open</span>", page)


def test_next_open_item_links_follow_the_page_through_the_lines(
    client, reviewer, engineering
):
    review = submit_lines_revision(2)
    mine = {
        s.requirement.key: s
        for s in review.assessments.filter(discipline=engineering).select_related(
            "requirement"
        )
    }
    page = page_of(client, reviewer, review)
    assert f'<a href="#a{mine["po"].pk}">Skip to my first open item' in page
    row = page[page.index(f'id="a{mine["L1.thickness"].pk}"') :]
    next_link = re.search(r'href="#a(\d+)">Next open item', row)
    assert int(next_link.group(1)) == mine["L2.part"].pk


def test_an_order_without_lines_has_no_line_groups(client, reviewer, review):
    page = page_of(client, reviewer, review)
    assert "line-group" not in page
    assert 'id="discipline-engineering"' in page


@pytest.mark.parametrize("lines", [2, 20])
def test_review_page_query_count_is_the_same_for_2_and_20_lines(
    client, reviewer, engineering, django_assert_num_queries, lines
):
    review = submit_lines_revision(lines)
    for slot in review.assessments.filter(
        discipline=engineering, requirement__key__endswith=".part"
    ):
        assess(slot, reviewer, "conditions", "Only from bar stock")
    client.force_login(reviewer)
    # session, user, groups, the review with its order, customer, revision,
    # form version and decision, its statutory checks, the user's disciplines,
    # the counts of its slots by line and discipline (reviews.line_counts), the
    # slots of what is asked once and of the lines shown: the same 8 as an order
    # without lines (tests/reviews/test_views.py).
    with django_assert_num_queries(8):
        response = client.get(reverse("reviews:review_detail", args=[review.pk]))
    page = response.content.decode()
    assert page.count('class="mb-4 line-group"') == lines
    # Each shown beside the verdict and in its editable note, on the lines shown
    # with their rows: the first LINES_SHOWN with work for the reviewer.
    shown = min(lines, LINES_SHOWN)
    assert page.count("Only from bar stock") == 2 * shown
    # The others are folded, to be read when unfolded, with their counts.
    assert page.count('hx-trigger="toggle once"') == lines - shown
    assert len(re.findall(r"<span[^>]*>1 for you</span>", page)) == lines


@pytest.mark.parametrize("lines", [2, 20])
def test_line_rows_query_count_is_the_same_for_2_and_20_lines(
    client, reviewer, engineering, django_assert_num_queries, lines
):
    review = submit_lines_revision(lines)
    client.force_login(reviewer)
    url = reverse("reviews:review_line", args=[review.pk, f"L{lines}"])
    # session, user, groups, the review with its order, customer, revision,
    # form version and decision, its statutory checks, the user's disciplines,
    # the counts of its slots (for the line's counts and the next-open links),
    # the line's slots with requirement, discipline, assessor and carried-from.
    with django_assert_num_queries(8):
        response = client.get(url)
    page = response.content.decode()
    assert page.count('<form method="post" action="/reviews/') == 2
    assert f"Line {lines} · Quantity" in page
