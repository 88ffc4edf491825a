"""An order with many lines reads line by line: the acceptance record page and its
PDF list what is asked once first, then one part per line ("Line 3"); the PDF numbers
its pages and names the record on each; the change order's diff groups its rows by
line; and the record page's query count does not grow with the lines."""

import copy
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from orderreview import roles
from orders.models import FormSection, Question
from requirements import selectors
from tests import factories
from tests.changes.conftest import assess_all, raise_change, sign, submitted_order
from tests.conftest import _user_with_role
from tests.lines.conftest import LINES_ANSWERS

# The record page of an order with lines, as of any other order (the pin of
# tests/scale/test_constant_queries.py "acceptance record", which a revision 1
# signed by one approver under no approval rule reaches with one query fewer: no
# change to acknowledge).
RECORD_QUERIES = 10


@pytest.fixture
def planner(db, production):
    return _user_with_role("planner", roles.REVIEWER, disciplines=(production,))


@pytest.fixture
def team(reviewer, planner, approver, engineering, production, quality):
    quality.members.add(approver)
    return {engineering.pk: reviewer, production.pk: planner, quality.pk: approver}


@pytest.fixture
def wide_version(engineering, production, quality):
    """A PO number asked once, then per line a part (Engineering), a quantity
    (Production) and a finish (Quality); up to 25 lines."""
    version = factories.OrderFormVersionFactory(
        form=factories.OrderFormFactory(name="Many lines", slug="many-lines")
    )
    q = factories.QuestionFactory
    q(version=version, key="po", label="PO number", position=1, discipline=engineering)
    common = {"version": version, "section": "Lines"}
    q(**common, key="part", label="Part number", position=2, discipline=engineering)
    q(
        **common,
        key="qty",
        label="Quantity",
        kind=Question.Kind.INTEGER,
        position=3,
        discipline=production,
    )
    q(**common, key="finish", label="Finish", position=4, discipline=quality)
    FormSection.objects.create(
        version=version, name="Lines", min_entries=1, max_entries=25, entry_label="Line"
    )
    return factories.publish_version(version)


def _answers(lines: int) -> dict:
    return {
        "po": "4500999",
        "@lines": {
            "Lines": [
                {
                    "line": f"new-{n}",
                    "answers": {"part": f"P-{n}", "qty": str(n * 10), "finish": "Zn"},
                }
                for n in range(1, lines + 1)
            ]
        },
    }


def _accepted(version, lines, service_user, team, approver):
    revision = submitted_order(version, service_user, _answers(lines))
    assess_all(revision.review, team)
    sign(revision.review, approver)
    return revision


def _record_url(revision, pdf=False):
    name = "reviews:acceptance_record_pdf" if pdf else "reviews:acceptance_record"
    return reverse(name, args=[revision.order.number, revision.number])


def _pdf_pages(client, revision) -> list[str]:
    response = client.get(_record_url(revision, pdf=True))
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    return [page.extract_text() for page in reader.pages]


def test_the_record_lists_what_is_asked_once_then_each_line_under_its_heading(
    client, wide_version, service_user, team, approver
):
    revision = _accepted(wide_version, 12, service_user, team, approver)
    client.force_login(approver)
    page = client.get(_record_url(revision)).content.decode()
    headings = re.findall(r'<h3 class="h6 mt-3" id="record-(L\d+)">([^<]+)</h3>', page)
    assert headings == [(f"L{n}", f"Line {n}") for n in range(1, 13)]
    # Asked once comes before the first line; each line holds its own rows only.
    assert page.index("PO number") < page.index('id="record-L1"')
    sections = page.split('data-record-line="')[1:]
    assert sections[1].startswith("L2")
    assert "Line 2 · Part number" in sections[1]
    assert "Line 2 · Quantity" in sections[1]
    assert "Line 3 ·" not in sections[1].split("</section>")[0]
    # A line is one click away from the top of the list.
    nav = page.split("data-record-lines>")[1].split("</nav>")[0]
    assert '<a href="#record-L12">Line 12</a>' in nav
    # Line 10 follows Line 9 (by number, not as text).
    assert page.index('id="record-L9"') < page.index('id="record-L10"')


def test_a_record_without_lines_shows_one_table_and_no_line_heading(
    client, engineering, production, service_user, team, approver
):
    version = factories.OrderFormVersionFactory()
    q = factories.QuestionFactory
    q(version=version, key="part", label="Part number", discipline=engineering)
    q(version=version, key="finish", label="Surface finish", discipline=production)
    revision = submitted_order(
        factories.publish_version(version),
        service_user,
        {"part": "AX-1", "finish": "anodised"},
    )
    assess_all(revision.review, team)
    sign(revision.review, approver)
    client.force_login(approver)
    page = client.get(_record_url(revision)).content.decode()
    assert page.count('class="table table-sm record-table"') == 1
    assert "data-record-line" not in page
    assert "data-record-lines" not in page
    assert "Surface finish" in page


def test_the_pdf_groups_by_line_and_numbers_every_page_with_the_order(
    client, wide_version, service_user, team, approver
):
    revision = _accepted(wide_version, 20, service_user, team, approver)
    client.force_login(approver)
    pages = _pdf_pages(client, revision)
    assert len(pages) > 2
    number = revision.order.number
    for index, text in enumerate(pages, start=1):
        assert f"Page {index} of {len(pages)}" in text
        assert f"Acceptance record {number}, revision 1" in text
    text = "\n".join(pages)
    starts = [text.index(f"\nLine {n}\n") for n in range(1, 21)]
    assert starts == sorted(starts)
    assert text.index("PO number: 4500999") < starts[0]
    # Line 7's rows come after its heading and before Line 8's.
    assert starts[6] < text.index("Line 7 · Quantity: 70") < starts[7]


def test_the_record_page_runs_as_many_queries_for_20_lines_as_for_2(
    client, wide_version, service_user, team, approver
):
    few = _accepted(wide_version, 2, service_user, team, approver)
    many = _accepted(wide_version, 20, service_user, team, approver)
    assert many.requirements.count() == 1 + 20 * 3
    client.force_login(approver)
    counts = []
    for revision in (few, many):
        client.get(_record_url(revision))  # warm: the session's first look-ups
        with CaptureQueriesContext(connection) as captured:
            response = client.get(_record_url(revision))
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts == [RECORD_QUERIES, RECORD_QUERIES], [
        q["sql"][:120] for q in captured.captured_queries
    ]


@pytest.fixture
def accepted_lines(lines_version, service_user, team, approver):
    revision = submitted_order(lines_version, service_user, LINES_ANSWERS)
    assess_all(revision.review, team)
    sign(revision.review, approver)
    revision.order.refresh_from_db()
    return revision.order


def _change(order, service_user):
    """Line 1's quantity 500 -> 800, Line 2 removed, Line 3 added."""
    lines = copy.deepcopy(order.revisions.get().answers["@lines"])
    first, _second = lines["Lines"]
    first["answers"]["qty"] = 800
    lines["Lines"] = [first, {"line": "new-1", "answers": {"part": "C", "qty": 5}}]
    return raise_change(order, service_user, {"@lines": lines})


def test_the_diff_groups_its_rows_by_line(accepted_lines, service_user):
    revision = _change(accepted_lines, service_user)
    diff = selectors.revision_diff(revision)
    groups = [
        (g.line, g.heading, g.state, [(e.kind, e.requirement.key) for e in g.entries])
        for g in diff.groups
    ]
    assert groups == [
        ("L1", "Line 1", "changed", [("changed", "L1.qty")]),
        (
            "L2",
            "Line 2",
            "removed",
            [
                ("removed", "L2.part"),
                ("removed", "L2.qty"),
                ("removed", "L2.coated"),
                ("removed", "L2.thickness"),
            ],
        ),
        ("L3", "Line 3", "added", [("added", "L3.part"), ("added", "L3.qty")]),
    ]
    # What is asked once and did not change is listed before the unchanged lines.
    unchanged = [(g.line, [r.key for r in g.items]) for g in diff.unchanged_groups]
    assert unchanged == [("", ["po"]), ("L1", ["L1.part"])]


def test_the_diff_page_shows_a_section_per_changed_line(
    client, accepted_lines, service_user
):
    revision = _change(accepted_lines, service_user)
    client.force_login(service_user)
    url = reverse(
        "requirements:revision_changes", args=[revision.order.number, revision.number]
    )
    page = client.get(url).content.decode()
    sections = re.findall(
        r'data-diff-line="(L\d+)">\s*<h3 class="h6 mt-3" id="diff-L\d+">'
        r'(Line \d+) <span class="badge [^"]+">([^<]+)</span>',
        page,
    )
    assert sections == [
        ("L1", "Line 1", "Changed"),
        ("L2", "Line 2", "Line removed"),
        ("L3", "Line 3", "Line added"),
    ]
    line_1 = page.split('data-diff-line="L1"')[1].split("</section>")[0]
    assert "Line 1 · Quantity" in line_1
    assert "Line 3" not in line_1
    # The summary sentences stay above the sections.
    assert page.index("Line 1: Quantity 500 → 800") < page.index('data-diff-line="L1"')
    assert 'data-unchanged-line="L1"' in page
