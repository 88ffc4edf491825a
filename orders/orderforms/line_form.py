"""The lines of an order form on a page: one small form per entry of a repeating
section, inside the version's AnswerForm (orders.orderforms.answer_form).

What the browser posts for a section (prefix "a", section 0):

    a-0-lines = L1, L3, new-17      the entries in the order shown
    a-0-L1-part = AB-1              each entry's answers, prefixed by its line
    a-0-new-17-part = CD-2          an entry added on the page: keyed when saved

static/js/formkit.js adds, copies, removes and reorders entries without a reload;
the server checks the entry counts, each entry's answers and that every line key
posted is one of the order's (a key that is not is kept as a new line and said).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from crispy_forms.layout import LayoutObject
from crispy_forms.utils import TEMPLATE_PACK
from django.template.loader import render_to_string

from orders.orderforms import lines
from orders.orderforms.answers import initial_values

if TYPE_CHECKING:
    from django.http import QueryDict

    from orders.orderforms.answer_form import AnswerForm

POSTED_KEY_RE = re.compile(r"^(L[1-9][0-9]{0,5}|new-[0-9a-z]{1,20})$")
TEMPLATE_LINE = "__line__"
ENTRY_PROBLEM = "correct the marked answers."
# Without JavaScript the line buttons submit the form: "add:<order field>", or
# "remove|copy|up|down:<order field>:<line>" (line_action_apply).
ACTION_NAME = "line_action"
ACTION_RE = re.compile(
    r"^(?P<verb>add|copy|remove|up|down):(?P<field>[a-z0-9_]+-[0-9]{1,3}-lines)"
    r"(?::(?P<line>[A-Za-z0-9-]{1,24}))?$"
)


@dataclass
class Entry:
    line: str
    form: AnswerForm
    label: str


@dataclass
class LineGroup:
    """One repeating section of a bound or unbound answer form."""

    index: int
    section: lines.LineSection
    entries: list[Entry] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    blank: AnswerForm | None = None
    # Bound, but the post did not carry this section (an API caller that knows
    # nothing of lines): its stored entries are kept as they are.
    untouched: bool = False
    stored: list[dict[str, Any]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.section.name


def entry_prefix(form: AnswerForm, index: int, line: str) -> str:
    return f"{form.prefix or 'lines'}-{index}-{line}"


def order_name(form: AnswerForm, index: int) -> str:
    return f"{form.prefix or 'lines'}-{index}-lines"


def marker_name(form: AnswerForm, index: int) -> str:
    """Posted by the page with every section, even when all its entries were
    removed: a post without it leaves the section's lines alone."""
    return f"{form.prefix or 'lines'}-{index}-shown"


def _label(group: lines.LineSection, line: str) -> str:
    if lines.LINE_KEY_RE.match(line):
        return lines.line_label(group.section, line)
    return f"New {group.section.entry_label.lower()}"


def _placed(form: AnswerForm, entry: AnswerForm) -> AnswerForm:
    """An entry's fields name the answer form's own for their show-if rules."""
    entry.outer_prefix = form.prefix or ""
    entry.helper = entry._helper()
    return entry


def groups_build(form: AnswerForm, initial: dict[str, Any]) -> list[LineGroup]:
    """The entries of each repeating section: posted ones when bound (in the order
    posted), stored ones otherwise."""
    result = []
    for index, section in enumerate(form.line_sections):
        group = LineGroup(index, section)
        entry_class = form.entry_classes[index]
        group.stored = lines.entries_of(initial, section.name)
        by_line = {stored["line"]: stored["answers"] for stored in group.stored}
        if form.is_bound and marker_name(form, index) not in form.data:
            group.untouched = True
        elif form.is_bound:
            posted = form.data.getlist(order_name(form, index))
            for line in dict.fromkeys(p.strip() for p in posted):
                if not POSTED_KEY_RE.match(line):
                    group.errors.append(
                        f"An entry of {section.name} was posted under the key "
                        f"{line[:20]!r}, which no line has."
                    )
                    continue
                # A stored line's answers are the entry's initial: its file
                # is kept when the entry is posted without a new one.
                entry = entry_class(
                    data=form.data,
                    files=form.files,
                    initial=initial_values(section.questions, by_line.get(line, {})),
                    require_complete=form.require_complete,
                    prefix=entry_prefix(form, index, line),
                )
                group.entries.append(
                    Entry(line, _placed(form, entry), _label(section, line))
                )
        else:
            for stored in group.stored:
                entry = entry_class(
                    initial=initial_values(section.questions, stored["answers"]),
                    require_complete=form.require_complete,
                    prefix=entry_prefix(form, index, stored["line"]),
                )
                group.entries.append(
                    Entry(
                        stored["line"],
                        _placed(form, entry),
                        _label(section, stored["line"]),
                    )
                )
        group.blank = _placed(
            form,
            entry_class(
                require_complete=False,
                prefix=entry_prefix(form, index, TEMPLATE_LINE),
            ),
        )
        result.append(group)
    return result


def groups_clean(form: AnswerForm, known: dict[str, str]) -> None:
    """Check each section's entries; problems go beside the section."""
    outer_visible = form.visible_keys()
    outer_values = form.outer_strings()
    for group in form.line_groups:
        if group.untouched:
            continue
        section = group.section.section
        unknown = [
            e.line
            for e in group.entries
            if lines.LINE_KEY_RE.match(e.line) and known.get(e.line) != group.name
        ]
        for line in unknown:
            group.errors.append(
                f"This order has no line {line}: the entry is kept as a new "
                f"{section.entry_label.lower()}, check it and save again."
            )
        problem = lines.count_problem(
            section, len(group.entries), complete=form.require_complete
        )
        if problem:
            group.errors.append(problem)
        for entry in group.entries:
            entry.form.outer_visible = outer_visible
            entry.form.outer_values = outer_values
            if not entry.form.is_valid():
                group.errors.append(f"{entry.label}: {ENTRY_PROBLEM}")
        if group.errors:
            form.add_error(None, f"{group.name}: " + " ".join(group.errors))


def lines_answers(
    form: AnswerForm, *, raw: bool, known: dict[str, str]
) -> dict[str, Any]:
    """{section: [{"line", "answers"}]} of what was posted (raw: as typed, with
    each entry's file: a new upload, else the one stored). A line key the order
    does not have (in this section) becomes a new line, so nothing typed is
    lost."""
    result: dict[str, list[dict[str, Any]]] = {}
    fresh = 0
    for group in form.line_groups:
        if group.untouched:
            result[group.name] = group.stored
            continue
        kept = []
        for entry in group.entries:
            line = entry.line
            if not lines.LINE_KEY_RE.match(line) or known.get(line) != group.name:
                fresh += 1
                line = f"{lines.NEW_PREFIX}{fresh}"
            if raw:
                answers = {**entry.form.raw_answers(), **entry.form.files_to_keep()}
            else:
                answers = entry.form.answers()
            kept.append({"line": line, "answers": answers})
        result[group.name] = kept
    return result


class LineEntries(LayoutObject):
    """Where a repeating section sits in the answer form's layout."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.fields: list = []

    def render(
        self,
        form: AnswerForm,
        context: Any,
        template_pack: str = TEMPLATE_PACK,
        **kwargs: Any,
    ) -> str:
        group = form.line_groups[self.index]
        return render_to_string(
            "orders/forms/_line_entries.html",
            {
                "group": group,
                "entry_label": group.section.section.entry_label,
                "order_name": order_name(form, self.index),
                "marker_name": marker_name(form, self.index),
                "template_line": TEMPLATE_LINE,
                "min_entries": group.section.section.min_entries,
                "max_entries": group.section.section.max_entries,
            },
        )


def line_action_apply(data: QueryDict) -> QueryDict:
    """The posted entries with a line button's action applied, for a page used
    without JavaScript: the page is then saved as a draft and shown again, so the
    new, copied, removed or moved entry is where the script would have put it."""
    match = ACTION_RE.match(data.get(ACTION_NAME, ""))
    if match is None:
        return data
    verb, field_name, line = match["verb"], match["field"], match["line"]
    base = field_name.removesuffix("-lines")
    keys = [key.strip() for key in data.getlist(field_name)]
    fresh = f"{lines.NEW_PREFIX}{secrets.token_hex(4)}"
    data = data.copy()
    if verb == "add":
        keys.append(fresh)
    elif line in keys:
        index = keys.index(line)
        if verb == "remove":
            keys.pop(index)
        elif verb == "copy":
            keys.insert(index + 1, fresh)
            prefix = f"{base}-{line}-"
            for name in list(data):
                if name.startswith(prefix):
                    copied = f"{base}-{fresh}-{name[len(prefix) :]}"
                    data.setlist(copied, data.getlist(name))
        elif verb == "up" and index > 0:
            keys[index - 1], keys[index] = keys[index], keys[index - 1]
        elif verb == "down" and index < len(keys) - 1:
            keys[index], keys[index + 1] = keys[index + 1], keys[index]
    data.setlist(field_name, keys)
    return data


def field_owner(form: AnswerForm, html_name: str) -> tuple[AnswerForm, str] | None:
    """(the form, its field's key) posting under html_name: the answer form's own
    field or one of a line's, so a message lands beside the field it is about."""
    forms = [form, *(e.form for g in form.line_groups for e in g.entries)]
    for owner in forms:
        for key in owner.fields:
            if owner.add_prefix(key) == html_name:
                return owner, key
    return None


def entries_rekey(form: AnswerForm, saved: dict[str, Any]) -> None:
    """After a draft with errors was kept, its new entries take the line keys they
    were stored under, so the page shown again posts them as those lines (their
    stored files kept) and not as new lines once more."""
    if not form.is_bound:
        return
    data, files = form.data.copy(), form.files.copy()
    moves: list[tuple[str, str]] = []
    for group in form.line_groups:
        stored = lines.entries_of(saved, group.name)
        if group.untouched or len(stored) != len(group.entries):
            continue
        for entry, kept in zip(group.entries, stored, strict=True):
            if entry.line == kept["line"]:
                continue
            new = entry_prefix(form, group.index, kept["line"])
            moves.append((entry_prefix(form, group.index, entry.line) + "-", new + "-"))
            entry.line, entry.label = kept["line"], _label(group.section, kept["line"])
            entry.form.prefix = new
            entry.form.initial = initial_values(
                group.section.questions, kept["answers"]
            )
            entry.form.stored_files_describe(entry.form.initial)
        data.setlist(order_name(form, group.index), [e.line for e in group.entries])
    # Every old name is taken out before any new one is set: an entry may take
    # the key another one was posted under.
    for source in (data, files):
        taken = {}
        for old, new in moves:
            for name in [n for n in source if n.startswith(old)]:
                taken[new + name[len(old) :]] = source.getlist(name)
                del source[name]
        for name, values in taken.items():
            source.setlist(name, values)
    renamed = bool(moves)
    if not renamed:
        return
    form.data, form.files = data, files
    form.known_lines = lines.line_sections_of(saved)
    for group in form.line_groups:
        for entry in group.entries:
            entry.form.data, entry.form.files = data, files
            # Bound fields remember their names: they are made again.
            entry.form._bound_fields_cache = {}
            _placed(form, entry.form)
