"""Change orders on an order with lines: the diff speaks of lines, and re-review
asks only for what changed on the lines that changed."""

import copy

import pytest

from requirements import selectors
from tests.changes.conftest import assess_all, raise_change, sign, submitted_order
from tests.lines.conftest import LINES_ANSWERS


@pytest.fixture
def team(reviewer, planner, approver, engineering, production, quality):
    return {engineering.pk: reviewer, production.pk: planner, quality.pk: approver}


@pytest.fixture
def planner(db, production):
    from orderreview import roles
    from tests.conftest import _user_with_role

    return _user_with_role("planner", roles.REVIEWER, disciplines=(production,))


@pytest.fixture
def accepted(lines_version, service_user, team, approver, reviewer, quality):
    quality.members.add(approver)
    revision = submitted_order(lines_version, service_user, LINES_ANSWERS)
    assess_all(revision.review, team)
    sign(revision.review, approver)
    revision.order.refresh_from_db()
    return revision.order


def test_the_diff_says_which_lines_were_added_removed_and_changed(
    accepted, service_user, team
):
    lines = copy.deepcopy(accepted.revisions.get().answers["@lines"])
    first, _second = lines["Lines"]
    first["answers"]["qty"] = 800
    lines["Lines"] = [first, {"line": "new-1", "answers": {"part": "C", "qty": 5}}]
    revision = raise_change(accepted, service_user, {"@lines": lines})
    diff = selectors.revision_diff(revision)
    assert diff.line_changes == [
        "Line 1: Quantity 500 → 800",
        "Line 2 removed",
        "Line 3 added",
    ]
    # Re-review opens only what changed: Line 1's quantity and Line 3's answers.
    review = revision.review
    open_keys = sorted(
        review.assessments.filter(verdict="").values_list("requirement__key", flat=True)
    )
    assert open_keys == ["L1.qty", "L3.part", "L3.qty"]
