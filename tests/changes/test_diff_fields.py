"""Which fields make a requirement "changed" (pure: no database)."""

import pytest

from orders.models import RequirementCategory
from requirements.diff import (
    COMPARED,
    ChangedRequirement,
    RevisionDiff,
    diff_requirements,
    requirement_differs,
)
from requirements.models import Requirement


def _requirement(**changes) -> Requirement:
    fields = {
        "key": "length",
        "statement": "Length",
        "value": "12",
        "category": RequirementCategory.STATED,
        "discipline_id": 1,
        "source": Requirement.Source.FORM,
        "position": 1,
    }
    return Requirement(**{**fields, **changes})


@pytest.mark.parametrize(
    ("field", "new"),
    [
        ("statement", "Overall length"),
        ("value", "13"),
        ("category", RequirementCategory.STATUTORY),
        ("discipline_id", 2),
    ],
)
def test_a_change_in_one_compared_field_is_a_change_of_that_field_only(field, new):
    old, changed = _requirement(), _requirement(**{field: new})
    assert requirement_differs(old, changed)
    assert ChangedRequirement(old=old, new=changed).fields == [field]


@pytest.mark.parametrize(
    ("field", "new"), [("position", 9), ("source", Requirement.Source.STAFF)]
)
def test_where_a_requirement_sits_or_came_from_is_not_a_change(field, new):
    assert not requirement_differs(_requirement(), _requirement(**{field: new}))


def test_the_compared_fields_are_what_a_review_assesses():
    assert COMPARED == ("statement", "value", "category", "discipline_id")


def test_the_diff_sorts_added_changed_unchanged_and_removed_by_position():
    old = [
        _requirement(key="a", position=1),
        _requirement(key="b", position=2),
        _requirement(key="gone", position=3),
    ]
    new = [
        _requirement(key="new", position=0),
        _requirement(key="b", position=2, value="99"),
        _requirement(key="a", position=1),
    ]
    diff = diff_requirements(revision=None, baseline=None, new=new, old=old)
    assert [r.key for r in diff.added] == ["new"]
    assert [(c.old.value, c.new.value) for c in diff.changed] == [("12", "99")]
    assert [r.key for r in diff.unchanged] == ["a"]
    assert [r.key for r in diff.removed] == ["gone"]
    assert [r.key for r in diff.affected] == ["new", "gone", "b"]
    assert not diff.is_empty


def test_an_identical_revision_is_an_empty_diff():
    same = [_requirement(key="a"), _requirement(key="b", position=2)]
    diff = diff_requirements(revision=None, baseline=None, new=same, old=same)
    assert diff.is_empty and diff.affected == []
    assert RevisionDiff(revision=None, baseline=None).is_empty


def test_a_diff_that_only_removes_is_not_empty_and_lists_removals_by_position():
    old = [
        _requirement(key="a", position=3),
        _requirement(key="b", position=1),
        _requirement(key="c", position=2),
    ]
    diff = diff_requirements(revision=None, baseline=None, new=[], old=old)
    assert not diff.is_empty
    assert [r.key for r in diff.removed] == ["b", "c", "a"]
    empty = RevisionDiff(revision=None, baseline=None)
    assert (empty.added, empty.removed, empty.changed, empty.unchanged) == (
        [],
        [],
        [],
        [],
    )


def test_a_changed_requirement_cannot_be_altered_after_the_diff():
    change = ChangedRequirement(old=_requirement(), new=_requirement(value="13"))
    with pytest.raises(AttributeError):
        change.new = _requirement()
