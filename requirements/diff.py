"""What a change order changes: one revision's requirements against its baseline.

Requirements are matched by key (the question key, or the key a hand-added
requirement keeps when a change order copies it). A requirement is changed when its
statement, value, category or discipline differ: exactly the fields a review
assesses, so "unchanged" here means "its earlier verdict still holds".
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from orders.orderforms import line_groups, lines
from orders.orderforms.answers import display_value
from orders.orderforms.order_value import order_value_of
from requirements.models import Requirement, RequirementSet

COMPARED = ("statement", "value", "category", "discipline_id")


def _compared(requirement: Requirement, name: str) -> object:
    """A field as compared: a stored file is the same file wherever it is kept (an
    order made from a quote keeps a copy in its own folder), so its path is left
    out; its name and SHA-256, which the signed content shows, are compared."""
    value = getattr(requirement, name)
    if (
        name == "value"
        and isinstance(value, Mapping)
        and {"name", "path"} <= set(value)
    ):
        return {key: part for key, part in value.items() if key != "path"}
    return value


@dataclass(frozen=True)
class ChangedRequirement:
    old: Requirement
    new: Requirement

    @property
    def fields(self) -> list[str]:
        """Which compared fields differ (for highlighting one cell, not the row)."""
        return [
            name
            for name in COMPARED
            if _compared(self.old, name) != _compared(self.new, name)
        ]


@dataclass(frozen=True)
class DiffEntry:
    """One row of the diff table: a requirement changed, added or removed."""

    kind: str  # "changed", "added" or "removed"
    requirement: Requirement  # the new one (the old one when removed)
    change: ChangedRequirement | None = None


@dataclass(frozen=True)
class DiffGroup:
    """The diff's rows of what is asked once (line "") or of one line, with what
    happened to the line as a whole: "added", "removed" or "changed"."""

    line: str
    heading: str
    state: str
    entries: list[DiffEntry]

    @property
    def is_line(self) -> bool:
        return bool(self.line)


@dataclass
class RevisionDiff:
    revision: RequirementSet
    baseline: RequirementSet | None
    added: list[Requirement] = field(default_factory=list)
    removed: list[Requirement] = field(default_factory=list)
    changed: list[ChangedRequirement] = field(default_factory=list)
    unchanged: list[Requirement] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    @property
    def line_changes(self) -> list[str]:
        """What changed on the lines of the order, as people say it: "Line 3
        added", "Line 2 removed", "Line 1: Quantity 500 → 800"."""
        return line_changes(self)

    @property
    def groups(self) -> list[DiffGroup]:
        """The table's rows grouped: what is asked once first, then one group per
        line that changed, in line order (unchanged lines are not listed)."""
        return diff_groups(self)

    @property
    def unchanged_groups(self) -> list[line_groups.LineGroup[Requirement]]:
        return line_groups.by_line(
            self.unchanged, key=lambda r: r.key, statement=lambda r: r.statement
        )

    @property
    def affected(self) -> list[Requirement]:
        """Requirements whose disciplines must look again (removed ones included:
        dropping a requirement can matter to whoever planned for it)."""
        return [*self.added, *self.removed, *(c.new for c in self.changed)]

    @property
    def value_change(self) -> tuple[str, str] | None:
        """The order's value before and after ("300.00 EUR", "—"), when the form
        says what an order is worth and the change moves it; else None."""
        version = self.revision.order.form_version
        if not version.value_question:
            return None
        unchanged = {r.key: r.value for r in self.unchanged}
        old = {**unchanged, **{r.key: r.value for r in self.removed}}
        old.update({c.old.key: c.old.value for c in self.changed})
        new = {**unchanged, **{r.key: r.value for r in self.added}}
        new.update({c.new.key: c.new.value for c in self.changed})
        before, after = order_value_of(version, old), order_value_of(version, new)
        if before == after:
            return None
        return (str(before) if before else "—", str(after) if after else "—")


def requirement_differs(old: Requirement, new: Requirement) -> bool:
    return any(_compared(old, name) != _compared(new, name) for name in COMPARED)


def diff_requirements(
    *,
    revision: RequirementSet,
    baseline: RequirementSet | None,
    new: Iterable[Requirement],
    old: Iterable[Requirement],
) -> RevisionDiff:
    """The diff of two lists of requirements (pure: no queries)."""
    result = RevisionDiff(revision=revision, baseline=baseline)
    old_by_key = {r.key: r for r in old}
    new_keys = set()
    for requirement in sorted(new, key=lambda r: (r.position, r.key)):
        new_keys.add(requirement.key)
        before = old_by_key.get(requirement.key)
        if before is None:
            result.added.append(requirement)
        elif requirement_differs(before, requirement):
            result.changed.append(ChangedRequirement(old=before, new=requirement))
        else:
            result.unchanged.append(requirement)
    result.removed = sorted(
        (r for key, r in old_by_key.items() if key not in new_keys),
        key=lambda r: (r.position, r.key),
    )
    return result


def _question_label(requirement: Requirement) -> str:
    if requirement.question is not None:
        return requirement.question.label
    return requirement.statement.partition(" · ")[2] or requirement.statement


def _line_name(requirement: Requirement) -> str:
    return requirement.statement.partition(" · ")[0]


def _value(requirement: Requirement) -> str:
    return display_value(requirement.question, requirement.value)


def _lines_on_both_sides(diff: RevisionDiff) -> tuple[set[str], set[str]]:
    """(lines the baseline has, lines the revision has)."""
    old_lines = {lines.line_of_key(r.key) for r in [*diff.removed, *diff.unchanged]} | {
        lines.line_of_key(c.old.key) for c in diff.changed
    }
    new_lines = {lines.line_of_key(r.key) for r in [*diff.added, *diff.unchanged]} | {
        lines.line_of_key(c.new.key) for c in diff.changed
    }
    return old_lines, new_lines


def diff_groups(diff: RevisionDiff) -> list[DiffGroup]:
    """The changed, added and removed rows (in that order within a group), those
    asked once first, then per line. Pure: no queries."""
    entries = [
        *(DiffEntry("changed", c.new, c) for c in diff.changed),
        *(DiffEntry("added", r) for r in diff.added),
        *(DiffEntry("removed", r) for r in diff.removed),
    ]
    old_lines, new_lines = _lines_on_both_sides(diff)
    result = []
    for group in line_groups.by_line(
        entries,
        key=lambda e: e.requirement.key,
        statement=lambda e: e.requirement.statement,
    ):
        if not group.items:
            continue
        state = ""
        if group.is_line:
            state = (
                "added"
                if group.line not in old_lines
                else "removed"
                if group.line not in new_lines
                else "changed"
            )
        result.append(DiffGroup(group.line, group.heading, state, group.items))
    return result


def line_changes(diff: RevisionDiff) -> list[str]:
    """Sentences for the lines a diff touches, in line order (pure: no queries
    beyond the requirements' questions, which the lists carry)."""
    old_lines, new_lines = _lines_on_both_sides(diff)
    sentences: dict[str, list[str]] = {}
    whole: dict[str, str] = {}
    for requirement in diff.added:
        line = lines.line_of_key(requirement.key)
        if not line:
            continue
        if line not in old_lines:
            whole[line] = f"{_line_name(requirement)} added"
        else:
            sentences.setdefault(line, []).append(
                f"{_question_label(requirement)} added ({_value(requirement)})"
            )
    for requirement in diff.removed:
        line = lines.line_of_key(requirement.key)
        if not line:
            continue
        if line not in new_lines:
            whole[line] = f"{_line_name(requirement)} removed"
        else:
            sentences.setdefault(line, []).append(
                f"{_question_label(requirement)} removed"
            )
    for change in diff.changed:
        line = lines.line_of_key(change.new.key)
        if line:
            sentences.setdefault(line, []).append(
                f"{_question_label(change.new)} {_value(change.old)} → "
                f"{_value(change.new)}"
            )
    result = []
    for line in sorted({*whole, *sentences}, key=lines.line_number):
        if line in whole:
            result.append(whole[line])
        else:
            name = next(
                _line_name(r)
                for r in [*diff.added, *diff.removed, *(c.new for c in diff.changed)]
                if lines.line_of_key(r.key) == line
            )
            result.append(f"{name}: " + "; ".join(sentences[line]))
    return result
