"""The files of a catalog request shown again, kept for the visitor (issue: a file
chosen in a line was lost when another field was wrong).

The catalog request page has no order until the request is sent, so it cannot
keep files in a draft as the portal and the staff pages do. Instead, each file
that passed its checks is held (orders.held_uploads) and the visitor's session
remembers it under the page's submission token (one hold per page shown, so two
tabs of one form never mix their files), keyed by the question and, in a line, by
the entry's key as posted. The next post of that page takes the held files as the
answer form's initial: each shows "Stored: name" beside its field and is kept
unless another file is chosen, exactly as a draft's stored file is.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest

from orderreview import idempotency
from orders import held_uploads
from orders.models import OrderFormVersion
from orders.orderforms import lines
from orders.orderforms.answer_form import AnswerForm

SESSION_KEY = "catalog_held_files"
GONE = (
    "The file {name} chosen earlier is no longer kept (the page was left open too "
    "long): choose it again."
)
# Pages of a session whose files are held at once; the oldest hold goes first.
MAX_HOLDS = 5


@dataclass
class Hold:
    """What one catalog page shown again holds: {question: file} asked once,
    {section: {entry key: {question: file}}} in the lines."""

    key: str
    name: str
    answers: dict[str, dict] = field(default_factory=dict)
    lines: dict[str, dict[str, dict[str, dict]]] = field(default_factory=dict)

    def files(self) -> list[dict]:
        found = list(self.answers.values())
        for entries in self.lines.values():
            for answers in entries.values():
                found.extend(answers.values())
        return found


def _files_of(value: object) -> dict[str, dict]:
    if not isinstance(value, Mapping):
        return {}
    return {str(k): dict(v) for k, v in value.items() if isinstance(v, Mapping)}


def _hold_from(key: str, stored: object) -> Hold:
    """A hold as the session keeps it (a new, empty one if it keeps none)."""
    if not isinstance(stored, Mapping):
        return Hold(key, held_uploads.hold_name())
    name = str(stored.get("name", ""))
    if not held_uploads.is_hold_name(name):
        return Hold(key, held_uploads.hold_name())
    by_section = stored.get("lines")
    if not isinstance(by_section, Mapping):
        by_section = {}
    return Hold(
        key,
        name,
        answers=_files_of(stored.get("answers")),
        lines={
            str(section): {str(line): _files_of(v) for line, v in entries.items()}
            for section, entries in by_section.items()
            if isinstance(entries, Mapping)
        },
    )


def hold_of(request: HttpRequest, version: OrderFormVersion) -> Hold:
    """The hold of the page this POST came from (empty if it holds nothing)."""
    key = f"{version.pk}:{idempotency.posted_token(request)}"
    return _hold_from(key, request.session.get(SESSION_KEY, {}).get(key))


def hold_initial(hold: Hold) -> dict[str, Any]:
    """The held files as the answer form's initial answers."""
    initial: dict[str, Any] = dict(hold.answers)
    if hold.lines:
        initial[lines.LINES] = {
            section: [{"line": line, "answers": files} for line, files in by.items()]
            for section, by in hold.lines.items()
        }
    return initial


def _kept(hold: Hold, html_name: str, value: Any) -> dict | None:
    """A file to keep as held: a new upload (saved now) or one already held."""
    if isinstance(value, UploadedFile):
        return held_uploads.hold_upload(hold=hold.name, field=html_name, upload=value)
    if held_uploads.held_path(value, hold.name) is not None:
        # Swept (the page was left longer than a session lives) or removed: not
        # said as stored any more, so it is asked for again.
        if held_uploads.held_missing(value, hold.name):
            return None
        return dict(value)
    return None


def _keep_of(hold: Hold, form: AnswerForm) -> dict[str, dict]:
    """The files of one form (the page's or an entry's) to hold, shown as
    stored beside their fields on the page shown again."""
    kept = {}
    for key, value in form.files_to_keep().items():
        held = _kept(hold, form.add_prefix(key), value)
        if held is not None:
            kept[key] = held
    still = {
        key: value
        for key, value in form.initial.items()
        if not held_uploads.held_missing(value, hold.name)
    }
    form.initial = {**still, **kept}
    form.stored_files_describe(form.initial)
    return kept


def hold_keep(request: HttpRequest, hold: Hold, form: AnswerForm) -> None:
    """After a checked post that was not sent: hold every file the page keeps
    (new uploads that passed their checks, else those held), let go of the
    others (replaced, or their entry removed), and say each beside its field."""
    before = hold.files()
    hold.answers = _keep_of(hold, form)
    by_section: dict[str, dict[str, dict[str, dict]]] = {}
    for group in form.line_groups:
        if group.untouched:
            by_section[group.name] = hold.lines.get(group.name, {})
            continue
        entries = {}
        for entry in group.entries:
            # A line key only an order's stored line has: the page refuses it.
            if lines.LINE_KEY_RE.match(entry.line):
                continue
            if kept := _keep_of(hold, entry.form):
                entries[entry.line] = kept
        if entries:
            by_section[group.name] = entries
    hold.lines = by_section
    now = {held_uploads.held_path(value, hold.name) for value in hold.files()}
    held_uploads.held_delete(
        (v for v in before if held_uploads.held_path(v, hold.name) not in now),
        hold.name,
    )
    _session_save(request, hold)


def _session_save(request: HttpRequest, hold: Hold) -> None:
    holds = dict(request.session.get(SESSION_KEY, {}))
    if hold.key not in holds and not hold.files():
        return
    holds.pop(hold.key, None)
    if hold.files():
        holds[hold.key] = {
            "name": hold.name,
            "answers": hold.answers,
            "lines": hold.lines,
        }
    while len(holds) > MAX_HOLDS:
        oldest = next(iter(holds))
        dropped = _hold_from(oldest, holds.pop(oldest))
        held_uploads.held_delete(dropped.files(), dropped.name)
    request.session[SESSION_KEY] = holds


@contextmanager
def held_as_uploads(hold: Hold, answers: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The answers to send, each held file in them an upload again (to be
    checked and stored with the new order); the files are closed after."""
    opened: list[UploadedFile] = []

    def swap(values: dict[str, Any]) -> dict[str, Any]:
        result = {}
        for key, value in values.items():
            if held_uploads.held_missing(value, hold.name):
                # Never an order with a reference to a file it does not have.
                raise ValidationError(GONE.format(name=value.get("name") or "a file"))
            upload = held_uploads.held_open(value, hold.name)
            if upload is not None:
                opened.append(upload)
                value = upload
            result[key] = value
        return result

    try:
        sent = swap(answers)
        if isinstance(sent.get(lines.LINES), Mapping):
            sent[lines.LINES] = {
                section: [
                    {**entry, "answers": swap(dict(entry.get("answers") or {}))}
                    for entry in entries
                ]
                for section, entries in sent[lines.LINES].items()
            }
        yield sent
    finally:
        for upload in opened:
            upload.close()


def hold_release(request: HttpRequest, hold: Hold) -> None:
    """The request was sent: its held files are the order's now, copied."""
    held_uploads.held_delete(hold.files(), hold.name)
    holds = dict(request.session.get(SESSION_KEY, {}))
    if holds.pop(hold.key, None) is not None:
        request.session[SESSION_KEY] = holds
