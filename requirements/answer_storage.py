"""A revision's answers as stored: typed, their lines keyed, their files (those
of the lines included) checked and saved (requirements.services keeps them)."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from orders.models import Order
from orders.orderforms import lines
from orders.orderforms.answers import answers_typed, questions_in_order
from orders.uploads import store_upload, upload_errors


def answers_stored(
    order: Order,
    answers: Mapping[str, Any],
    *,
    public: bool = False,
    earlier: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Answers as JSON in their typed form (5000, True; text that does not parse is
    kept as typed), so a draft compares with a submitted revision value for value;
    uploaded files are saved and replaced by their description. New lines get
    their keys, counting on from every line `earlier` (the stored draft) had.

    Every file is checked (its question's limits, its content, and the public
    policy for people without an account) before any is stored, so a refused
    file leaves nothing behind, on disk or in the database.
    """
    all_questions = questions_in_order(order.form_version)
    typed = answers_typed(all_questions, answers)
    _outer, groups = lines.split_questions(
        all_questions, order.form_version.sections.all()
    )
    typed = lines.lines_stored(groups, typed, earlier or {})
    questions = {q.key: q for q in all_questions}
    # Every file by the key it is stored and refused under: a question's key, or
    # a line's requirement key ("L2.drawing").
    files = {
        key: (value, holder, question_key)
        for key, value, holder, question_key in _files_of(typed)
    }
    errors: dict[str, list[str]] = {}
    for key, (upload, _holder, question_key) in files.items():
        if question_key not in questions:
            errors[key] = ["No question of this form takes this file."]
            continue
        problems = upload_errors(
            upload, question=questions[question_key], public=public
        )
        if problems:
            errors[key] = problems
    if errors:
        raise ValidationError(errors)
    for key, (upload, holder, question_key) in files.items():
        holder[question_key] = store_upload(
            order_number=order.number,
            key=key,
            upload=upload,
            question=questions[question_key],
            public=public,
        )
    return typed


def _files_of(typed: dict[str, Any]) -> list[tuple[str, UploadedFile, dict, str]]:
    """(storage key, upload, the answers dict holding it, question key) of each
    new upload in the answers, those of the lines included."""
    found = [
        (key, value, typed, key)
        for key, value in typed.items()
        if isinstance(value, UploadedFile)
    ]
    for entries in (typed.get(lines.LINES) or {}).values():
        for entry in entries:
            answers = entry["answers"]
            found.extend(
                (lines.requirement_key(entry["line"], key), value, answers, key)
                for key, value in answers.items()
                if isinstance(value, UploadedFile)
            )
    return found
