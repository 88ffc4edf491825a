"""A draft revision's answers from the API: the shape of what was sent, merged
into what the draft holds, checked by the version's own answer form and kept
through the services the draft pages use (requirements.draft_editing).

Shared by the draft order (PATCH /orders/<number>/) and a change order's draft
(PATCH /orders/<number>/change-orders/<revision>/).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework import exceptions

from api.problems import Conflict
from api.views.common import form_errors
from api.views.line_answers import (
    entries_over_maximum,
    lines_errors,
    lines_files_kept,
    lines_posted,
    lines_shape_errors,
)
from orderreview.models import User
from orders.models import Order, OrderFormVersion, Question
from orders.orderforms import lines
from orders.orderforms.answer_form import AnswerForm, answer_form_class
from orders.orderforms.answers import answers_to_initial, questions_in_order
from orders.services import CUSTOMER_FIELDS
from requirements import services as req_services
from requirements.models import RequirementSet

ANSWERS_KEY = "answers"
Kind = Question.Kind


def prefixed(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Answer errors named by their place in the body: answers.<question key>."""
    return {
        ANSWERS_KEY if key == "__all__" else f"{ANSWERS_KEY}.{key}": messages
        for key, messages in errors.items()
    }


def submit_flag(body: dict[str, Any]) -> bool:
    submit = body.get("submit", False)
    if not isinstance(submit, bool):
        raise exceptions.ValidationError({"submit": ["Send true or false."]})
    return submit


def answers_object(body: dict[str, Any]) -> dict[str, Any]:
    answers = body.get(ANSWERS_KEY)
    if answers is None:
        return {}
    if not isinstance(answers, dict):
        raise exceptions.ValidationError(
            {ANSWERS_KEY: ["Send an object of question key -> answer."]}
        )
    return answers


def _shape_error(question: Question, value: Any) -> str | None:
    """Why this JSON value can be no answer to the question, or None."""
    if value is None:
        return None
    if question.kind == Kind.FILE:
        return (
            "Upload the file to this question's files/<key>/ URL "
            "(multipart/form-data); here only null, which removes it, is accepted."
        )
    if question.kind == Kind.AMOUNT:
        return _amount_shape_error(value)
    if isinstance(value, dict):
        return "Send a single value, not an object."
    if isinstance(value, list):
        if question.kind != Kind.MULTIPLE_CHOICE:
            return "Send a single value, not a list."
        if any(isinstance(item, dict | list) or item is None for item in value):
            return "Send a list of the choices' values."
    return None


def _amount_shape_error(value: Any) -> str | None:
    """An amount is {"amount": "1234.50", "currency": "EUR"}: the amount as text
    (or a whole number), never a JSON fraction, which may lose digits."""
    shape = 'Send {"amount": "1234.50", "currency": "EUR"}.'
    if not isinstance(value, dict) or not set(value) <= {"amount", "currency"}:
        return shape
    amount, currency = value.get("amount"), value.get("currency")
    if isinstance(amount, float):
        return 'Send the amount as text, e.g. "1234.50": a JSON number may lose digits.'
    if isinstance(amount, bool) or not isinstance(amount, str | int | None):
        return shape
    if not isinstance(currency, str | None):
        return shape
    return None


def shape_errors(
    version: OrderFormVersion, answers: dict[str, Any], known_lines: dict[str, str]
) -> dict:
    """Unknown question keys and values of the wrong JSON shape, per answer (and
    per entry of the lines); the answer form checks the values themselves."""
    questions = {question.key: question for question in questions_in_order(version)}
    errors: dict[str, list[str]] = {}
    for key in sorted(answers, key=str):
        question = questions.get(key)
        if key == lines.LINES and version.sections.exists():
            continue
        if question is None:
            errors[key] = ["There is no such question."]
        elif message := _shape_error(question, answers[key]):
            errors[key] = [message]
    errors = prefixed(errors)
    if lines.LINES in answers and lines.LINES not in errors:
        errors.update(
            lines_shape_errors(version, answers[lines.LINES], known_lines, _shape_error)
        )
    return errors


def answer_data(
    version: OrderFormVersion, answers: dict[str, Any], stored: dict[str, Any]
) -> dict[str, Any]:
    """The answers as the answer form's data: the questions asked once by key, the
    lines as the draft page posts them (api.views.line_answers)."""
    data = {key: value for key, value in answers.items() if not key.startswith("@")}
    if version.sections.exists():
        data.update(lines_posted(version, answers.get(lines.LINES), stored))
    return data


def merged_answer_form(
    revision: RequirementSet, sent: dict[str, Any], *, submit: bool
) -> AnswerForm:
    """The answer form bound to the draft's answers with the sent ones merged in
    (null removes an answer), as the draft page binds what it shows: stored files
    ride in `initial` and are kept unless removed."""
    version = revision.order.form_version
    files = {q.key for q in questions_in_order(version) if q.kind == Kind.FILE}
    merged = {
        key: value
        for key, value in {**revision.answers, **sent}.items()
        if value is not None
    }
    data = {key: value for key, value in merged.items() if key not in files}
    stored = {key: value for key, value in merged.items() if key in files}
    # The stored lines: which line keys the order has, and the entries of the
    # sections not sent.
    if lines.LINES in revision.answers:
        stored[lines.LINES] = lines_files_kept(revision.answers, sent.get(lines.LINES))
    return answer_form_class(version)(
        data=answer_data(version, data, stored),
        initial=answers_to_initial(version, stored),
        require_complete=submit,
    )


def answers_to_store(form: AnswerForm, *, submit: bool) -> dict[str, Any]:
    """What the draft keeps: on submit the form's clean answers (visible ones);
    else everything as typed, plus the files (draft_editing.answers_to_keep)."""
    if submit:
        return form.answers()
    answers = form.raw_answers()
    for question in form.questions:
        value = form.cleaned_data.get(question.key)
        if question.kind == Kind.FILE and isinstance(value, dict):
            answers[question.key] = value
    return answers


def answers_save(
    revision: RequirementSet, form: AnswerForm, *, user: User, submit: bool
) -> RequirementSet:
    """Keep the checked answers and submit the revision when asked; a refusal of
    the services is a 400 naming what to correct. Runs in the caller's
    transaction."""
    try:
        revision = req_services.revision_answers_save(
            revision=revision, user=user, answers=answers_to_store(form, submit=submit)
        )
        if submit:
            revision = req_services.revision_submit(revision=revision, user=user)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise exceptions.ValidationError(prefixed(error.message_dict)) from None
        raise exceptions.ValidationError(error.messages) from None
    return revision


class AnswerUpdate:
    """The answer part of a draft's PATCH, checked: the merged answer form, whether
    to submit, and every error (empty: it may be kept)."""

    def __init__(self, revision: RequirementSet, body: dict[str, Any]) -> None:
        self.revision = revision
        self.submit = submit_flag(body)
        # Nothing to keep when no answers were sent and nothing is submitted.
        self.wanted = ANSWERS_KEY in body or self.submit
        sent = answers_object(body)
        self.errors: dict[str, list[str]] = {}
        known = lines.line_sections_of(revision.answers)
        version = revision.order.form_version
        if entries_over_maximum(version, sent.get(lines.LINES)):
            # No form is built for a list over the maximum; the errors say why.
            self.form: AnswerForm | None = None
            self.errors.update(shape_errors(version, sent, known))
            return
        self.form = merged_answer_form(revision, sent, submit=self.submit)
        if self.wanted and not self.form.is_valid():
            self.errors.update(prefixed(form_errors(self.form)))
            self.errors.update(
                lines_errors(self.form, sent.get(lines.LINES), revision.answers)
            )
        # The shape's message is the one to act on where both speak.
        self.errors.update(shape_errors(version, sent, known))

    def save(self, user: User) -> RequirementSet:
        """Keep the answers (and submit); in the caller's transaction. Callers
        check errors first: answers with errors are never kept."""
        if self.errors or self.form is None:
            raise exceptions.ValidationError(self.errors)
        if not self.wanted:
            return self.revision
        return answers_save(self.revision, self.form, user=user, submit=self.submit)


def draft_answers_update(
    revision: RequirementSet, body: dict[str, Any], *, user: User
) -> RequirementSet:
    """A draft's PATCH that carries answers only (a change order's)."""
    update = AnswerUpdate(revision, body)
    if update.errors:
        raise exceptions.ValidationError(update.errors)
    with transaction.atomic():
        return update.save(user)


def header_refusal(error: ValidationError) -> exceptions.ValidationError:
    """A header service's refusal, its inline customer's fields named as the body
    names them (new_customer_name, not name)."""
    if not hasattr(error, "error_dict"):
        return exceptions.ValidationError(error.messages)
    return exceptions.ValidationError(
        {
            f"new_customer_{key}" if key in CUSTOMER_FIELDS else key: messages
            for key, messages in error.message_dict.items()
        }
    )


def not_a_draft(order: Order) -> Conflict:
    return Conflict(f"{order.number} is no longer a draft.")
