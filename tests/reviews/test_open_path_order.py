"""The "Skip to my first open item" link and each row's "Next open item" follow
the rows in the order the review page shows them, whatever the database's
collation: the page's rows and the reader's open items are put in order by one key
in Python (reviews.line_counts.slot_order), never by an ORDER BY on the
discipline's name, which a database made with a locale's collation sorts unlike
Python ("alpha" before "Beta" there, after it in Python)."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from orderreview import events, roles
from orders.models import Discipline, Order
from requirements.models import RequirementSet
from reviews.line_counts import discipline_order
from reviews.models import Review
from tests import factories
from tests.conftest import _user_with_role
from tests.reviews.conftest import assess

pytestmark = pytest.mark.django_db

# Made in this order, so neither their pks nor Python's plain sort of their names
# ("Beta" < "alpha" < "fox" < "Éclair") is the order the page shows.
NAMES = ("fox", "Éclair", "Beta", "alpha")
PAGE_ORDER = ("alpha", "Beta", "Éclair", "fox")


def _name_collation(collation: str) -> None:
    """Discipline names sorted by `collation` in SQL, as in a database made with
    it (rolled back with the test)."""
    table = connection.ops.quote_name(Discipline._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"ALTER TABLE {table} ALTER COLUMN name TYPE varchar(80) "
            f"COLLATE {connection.ops.quote_name(collation)}"
        )


def _review(disciplines: list[Discipline]) -> Review:
    """Two items asked once per discipline (on the same position: a tie), then
    two lines with one item per discipline each."""
    revision = factories.RequirementSetFactory(
        order__status=Order.Status.AWAITING_REVIEW
    )
    revision.submitted_by = revision.created_by
    revision.state = RequirementSet.State.SUBMITTED
    revision.save()
    requirement = factories.RequirementFactory
    for discipline in disciplines:
        for n in (2, 1):
            requirement(
                requirement_set=revision,
                key=f"{discipline.slug}-{n}",
                statement=f"{discipline.name} item {n}",
                discipline=discipline,
                position=5,
            )
    position = 10
    for line in (1, 2):
        for discipline in disciplines:
            position += 1
            requirement(
                requirement_set=revision,
                key=f"L{line}.{discipline.slug}",
                statement=f"Line {line} · {discipline.name}",
                discipline=discipline,
                position=position,
            )
    events.revision_submitted.send(sender=RequirementSet, revision=revision)
    return Review.objects.get(requirement_set=revision)


def _rows_and_links(page: str) -> tuple[list[int], dict[int, int]]:
    """The rows in page order, and where each row's "Next open item" leads."""
    rows = [int(pk) for pk in re.findall(r'id="a(\d+)" tabindex="-1"', page)]
    links = {}
    for here, after in zip(rows, [*rows[1:], None], strict=True):
        start = page.index(f'id="a{here}" tabindex="-1"')
        end = page.index(f'id="a{after}" tabindex="-1"') if after else len(page)
        found = re.search(r'href="#a(\d+)">Next open item', page[start:end])
        if found:
            links[here] = int(found[1])
    return rows, links


def _follow(page: str, links: dict[int, int]) -> list[int]:
    """The items visited from "Skip to my first open item" by "Next open item"
    until a link leads back to one already visited."""
    first = re.search(r'<a href="#a(\d+)">Skip to my first open item', page)
    visited = [int(first[1])]
    while (after := links.get(visited[-1])) is not None and after not in visited:
        visited.append(after)
    assert links.get(visited[-1]) == visited[0], "the path must wrap to the first"
    return visited


def _collations() -> list[str]:
    """ "C" (code points: "Beta" before "alpha"), and the ICU root collation ("alpha"
    before "Beta", as a locale's) where the server has ICU: Debian's server does
    (make test's second run in CI), the embedded one is built without it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu'")
        return ["C", "und-x-icu"] if cursor.fetchone() else ["C"]


@pytest.mark.parametrize("locale_like", [False, True])
def test_next_open_item_visits_each_of_my_open_items_once_in_page_order(
    client, locale_like
):
    collations = _collations()
    collation = collations[-1] if locale_like else collations[0]
    disciplines = [
        Discipline.objects.create(name=name, slug=f"d{n}")
        for n, name in enumerate(NAMES)
    ]
    _name_collation(collation)
    reader = _user_with_role("reader", roles.REVIEWER, disciplines=tuple(disciplines))
    review = _review(disciplines)
    # One item of each kind is no longer open: the path leaves it out.
    done = review.assessments.get(requirement__key="d3-1")
    other = _user_with_role("other", roles.REVIEWER, disciplines=(disciplines[3],))
    assess(done, other)
    client.force_login(reader)
    page = client.get(reverse("reviews:review_detail", args=[review.pk]))
    page = page.content.decode()

    rows, links = _rows_and_links(page)
    mine = [pk for pk in rows if pk != done.pk]
    assert len(mine) == len(NAMES) * 4 - 1
    assert _follow(page, links) == mine
    # In an order people read, the same on every database.
    shown = [page.index(f'id="discipline-{d.slug}"') for d in disciplines]
    by_place = [name for _place, name in sorted(zip(shown, NAMES, strict=True))]
    assert by_place == list(PAGE_ORDER)


def test_disciplines_sort_by_name_regardless_of_case_and_accents_then_by_pk():
    keys = sorted(
        [("fox", 1), ("Éclair", 2), ("Beta", 3), ("alpha", 4), ("beta", 5)],
        key=lambda d: discipline_order(*d),
    )
    assert [name for name, _pk in keys] == ["alpha", "Beta", "beta", "Éclair", "fox"]
