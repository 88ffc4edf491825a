"""Editing a draft revision's answers in a browser: binding the answer form, keeping
everything typed, and what follows the POST.

The draft order page, the customer portal and the change-order draft share these, so
a draft keeps what was typed the same way wherever it was typed.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from orderreview.forms import form_errors_add
from orders.models import Order, Question
from orders.orderforms.answer_form import AnswerForm, answer_form_class
from orders.orderforms.answers import answers_to_initial
from orders.orderforms.line_form import entries_rekey, line_action_apply
from requirements import selectors, services
from requirements.models import RequirementSet

# The answer form's field prefix: it keeps question keys apart from the header
# form's fields on the same page.
ANSWER_PREFIX = "a"


def order_draft_revision(order: Order) -> RequirementSet | None:
    """The revision a draft order's page edits; None once the order left draft."""
    if order.status != Order.Status.DRAFT:
        return None
    return selectors.draft_revision(order)


def answers_to_keep(form: AnswerForm, stored: dict) -> dict[str, Any]:
    """Everything typed, valid or not, plus files (new uploads or kept ones)."""
    answers = form.raw_answers()
    cleaned = getattr(form, "cleaned_data", {})
    for question in form.questions:
        if question.kind != Question.Kind.FILE:
            continue
        value = cleaned.get(question.key)
        if value:
            answers[question.key] = value
        elif isinstance(stored.get(question.key), dict):
            answers[question.key] = stored[question.key]
    return answers


def answers_bind(
    request: HttpRequest, order: Order, revision: RequirementSet, *, submit: bool
) -> AnswerForm:
    form_class = answer_form_class(order.form_version)
    initial = answers_to_initial(order.form_version, revision.answers)
    if request.method != "POST":
        return form_class(initial=initial, require_complete=False, prefix=ANSWER_PREFIX)
    return form_class(
        data=line_action_apply(request.POST),
        files=request.FILES,
        initial=initial,
        require_complete=submit,
        prefix=ANSWER_PREFIX,
    )


def answers_save(
    form: AnswerForm, revision: RequirementSet, *, submit: bool, user: Any
) -> tuple[bool, RequirementSet]:
    """Validate and keep the answers; (complete and valid, saved revision)."""
    valid = form.is_valid()
    answers = (
        form.answers() if valid and submit else answers_to_keep(form, revision.answers)
    )
    try:
        revision = services.revision_answers_save(
            revision=revision, user=user, answers=answers
        )
    except ValidationError as error:  # a file the storage check refused
        form_errors_add(form, error)
        return False, revision
    # Shown again (an error here or in another form of the page), the new entries
    # post as the lines they were kept as.
    entries_rekey(form, revision.answers)
    return valid, revision


def draft_post_response(
    request: HttpRequest,
    *,
    revision: RequirementSet,
    valid: bool,
    submit: bool,
    submitted: tuple[str, str],
    saved: tuple[str, str],
) -> HttpResponse | None:
    """After a draft's POST has kept its answers: submit the revision if asked and
    everything is valid, else say it was saved or which fields to correct.

    `submitted` and `saved` are (message, URL) for each outcome. None means: show the
    page again with its errors.
    """
    if valid and submit:
        try:
            services.revision_submit(revision=revision, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return None
        messages.success(request, submitted[0])
        return redirect(submitted[1])
    if valid:
        messages.success(request, saved[0])
        return redirect(saved[1])
    messages.warning(
        request,
        "Everything you typed is saved as a draft. Correct the marked fields"
        + (" to submit." if submit else "."),
    )
    return None
