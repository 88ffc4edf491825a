"""The order-form builder at /forms/: Form admins build, preview and publish versions.

Auditors may read every page (GET); only Form admins change anything.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from orderreview.forms import form_errors_add
from orderreview.roles import AUDITORS, FORM_ADMIN, role_required
from orders.models import Discipline, OrderFormVersion, Question
from orders.orderforms import json_io, selectors, services
from orders.orderforms.answer_form import (
    answer_form_class,
    answers_by_label,
    form_class_with_lines,
)
from orders.orderforms.builder_forms import (
    ImportForm,
    OrderFormCreateForm,
    OrderFormEditForm,
    PublishForm,
    QuestionForm,
    SectionForm,
)
from orders.orderforms.line_form import ACTION_NAME, line_action_apply
from orders.orderforms.sections import section_to_dict

admin_only = role_required(FORM_ADMIN)
readable = role_required(FORM_ADMIN, read_only=AUDITORS)
PREVIEW_PREFIX = "preview"


def _version_url(version: OrderFormVersion) -> str:
    return reverse(
        "orderforms:version_detail", args=[version.form.slug, version.number]
    )


# --- forms ----------------------------------------------------------------------------


@require_safe
@readable
def form_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "orders/forms/form_list.html",
        {"forms": selectors.forms_for_builder()},
    )


@require_http_methods(["GET", "POST"])
@admin_only
def form_create(request: HttpRequest) -> HttpResponse:
    form = OrderFormCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.form_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, f"{created.name} created with a draft version 1.")
            return redirect(_version_url(created.versions.get()))
    return render(request, "orders/forms/form_create.html", {"form": form})


@require_safe
@readable
def form_detail(request: HttpRequest, slug: str) -> HttpResponse:
    order_form = selectors.form_by_slug(slug)
    return render(request, "orders/forms/form_detail.html", {"order_form": order_form})


@require_http_methods(["GET", "POST"])
@admin_only
def form_edit(request: HttpRequest, slug: str) -> HttpResponse:
    order_form = selectors.form_by_slug(slug)
    form = OrderFormEditForm(request.POST or None, instance=order_form)
    if request.method == "POST" and form.is_valid():
        try:
            services.form_update(form=order_form, **form.cleaned_data)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            messages.success(request, "Form details saved.")
            return redirect("orderforms:form_detail", slug=slug)
    return render(
        request,
        "orders/forms/form_edit.html",
        {"form": form, "order_form": order_form},
    )


@require_POST
@admin_only
def version_create(request: HttpRequest, slug: str) -> HttpResponse:
    order_form = selectors.form_by_slug(slug)
    try:
        version = services.version_start_draft(form=order_form, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("orderforms:form_detail", slug=slug)
    messages.success(request, f"Draft version {version.number} started.")
    return redirect(_version_url(version))


@require_http_methods(["GET", "POST"])
@admin_only
def form_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            data = json_io.parse(form.cleaned_data["file"].read())
            version = services.version_import(
                data=data,
                user=request.user,
                publish=form.cleaned_data["publish"],
                change_note=form.cleaned_data["change_note"],
            )
        except ValueError as error:
            problems = [str(error)]
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(
                request,
                f"Imported {version.form.name} as version {version.number} "
                f"({version.get_status_display().lower()}).",
            )
            return redirect(_version_url(version))
    return render(
        request, "orders/forms/form_import.html", {"form": form, "problems": problems}
    )


# --- versions -------------------------------------------------------------------------


def _version_page(
    request: HttpRequest,
    version: OrderFormVersion,
    publish_form: PublishForm | None = None,
    status: int = 200,
) -> HttpResponse:
    preview = answer_form_class(version)(prefix=PREVIEW_PREFIX)
    return render(
        request,
        "orders/forms/version_detail.html",
        {
            "version": version,
            "questions": list(version.questions.all()),
            "sections": list(version.sections.all()),
            "preview": preview,
            "publish_form": publish_form or PublishForm(),
        },
        status=status,
    )


@require_safe
@readable
def version_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    return _version_page(request, selectors.version_by_number(slug, number))


@require_http_methods(["GET", "POST"])
@readable
def version_preview(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The rendered form as a customer-service user sees it. Submitting checks the
    answers (nothing is stored) and shows what would be kept after show-if rules."""
    version = selectors.version_by_number(slug, number)
    form_class = answer_form_class(version)
    kept: dict[str, str] | None = None
    if request.method == "POST":
        data = line_action_apply(request.POST)
        form = form_class(data=data, files=request.FILES, prefix=PREVIEW_PREFIX)
        # A line button without JavaScript only adds, copies, moves or removes.
        if ACTION_NAME not in request.POST and form.is_valid():
            kept = answers_by_label(form)
    else:
        form = form_class(prefix=PREVIEW_PREFIX)
    context = {"version": version, "preview": form, "kept": kept}
    template = (
        "orders/forms/_preview.html"
        if request.htmx
        else "orders/forms/version_preview.html"
    )
    return render(request, template, context)


@require_POST
@admin_only
def version_publish(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = selectors.version_by_number(slug, number)
    if version.status != OrderFormVersion.Status.DRAFT:
        # A stale page: its version page shows no publish form to put errors in.
        messages.error(
            request,
            f"{version.form.name} version {number} is "
            f"{version.get_status_display().lower()} and cannot be changed: "
            "only a draft can be published.",
        )
        return redirect(_version_url(version))
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            services.version_publish(
                version=version,
                user=request.user,
                change_note=form.cleaned_data["change_note"],
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                # Not about the note (already published, a broken rule): say so
                # on the version page, where the reason is visible.
                messages.error(request, " ".join(error.messages))
                return redirect(_version_url(version))
            form_errors_add(form, error)
        else:
            messages.success(request, f"Version {number} published.")
            return redirect(_version_url(version))
    return _version_page(request, version, publish_form=form)


@require_POST
@admin_only
def version_retire(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = selectors.version_by_number(slug, number)
    try:
        services.version_retire(version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Version {number} retired.")
    return redirect(_version_url(version))


@require_POST
@admin_only
def version_discard(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = selectors.version_by_number(slug, number)
    try:
        services.version_discard(version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_version_url(version))
    messages.success(request, f"Draft version {number} discarded.")
    return redirect("orderforms:form_detail", slug=slug)


@require_safe
@readable
def version_export(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = selectors.version_by_number(slug, number)
    document = json_io.version_to_dict(version)
    response = HttpResponse(
        json.dumps(document, indent=2, ensure_ascii=False) + "\n",
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-v{number}.json"'
    return response


# --- questions ------------------------------------------------------------------------


def _draft(slug: str, number: int) -> OrderFormVersion:
    """The version to edit; a published or retired one is shown read-only instead."""
    return selectors.version_by_number(slug, number)


def _question_page(
    request: HttpRequest,
    version: OrderFormVersion,
    form: QuestionForm,
    question: Question | None,
) -> HttpResponse:
    return render(
        request,
        "orders/forms/question_form.html",
        {
            "version": version,
            "form": form,
            "question": question,
            "preview": _live_preview(version, form, question),
        },
    )


def _live_preview(
    version: OrderFormVersion, form: QuestionForm, question: Question | None
) -> Any:
    """The whole version rendered with the question as typed (unsaved) in place;
    while what is typed is invalid, the saved questions (its errors say why)."""
    saved = list(version.questions.all())
    if form.is_bound and form.is_valid():
        item = form.item()
        others = [q for q in saved if question is None or q.pk != question.pk]
        fields = json_io.question_fields(item, question.position if question else 10**6)
        typed = Question(
            version=version, discipline=Discipline(slug=item["discipline"]), **fields
        )
        saved = [*others, typed]
    # Lines show as on the draft page: one entry box per repeating section.
    form_class = form_class_with_lines(saved, version.sections.all(), pk=version.pk)
    return form_class(prefix=PREVIEW_PREFIX)


def _save_question(
    request: HttpRequest,
    version: OrderFormVersion,
    form: QuestionForm,
    question: Question | None,
) -> HttpResponse | None:
    """Run the service; on success the redirect, else None (errors are on the form)."""
    try:
        if question is None:
            services.question_add(version=version, item=form.item())
        else:
            services.question_update(question=question, item=form.item())
    except ValidationError as error:
        form_errors_add(form, error)
        return None
    messages.success(request, f"Question {form.cleaned_data['key']} saved.")
    return redirect(_version_url(version))


@require_http_methods(["GET", "POST"])
@admin_only
def question_create(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = _draft(slug, number)
    if not version.is_editable:
        messages.error(request, "Published and retired versions cannot be changed.")
        return redirect(_version_url(version))
    earlier = list(version.questions.all())
    initial = {"discipline": "engineering", "category": "stated"}
    form = QuestionForm(request.POST or None, initial=initial, earlier=earlier)
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        response = _save_question(request, version, form, None)
        if response:
            return response
    return _question_page(request, version, form, None)


@require_http_methods(["GET", "POST"])
@admin_only
def question_edit(
    request: HttpRequest, slug: str, number: int, pk: int
) -> HttpResponse:
    version = _draft(slug, number)
    question = get_object_or_404(Question, pk=pk, version=version)
    if not version.is_editable:
        messages.error(request, "Published and retired versions cannot be changed.")
        return redirect(_version_url(version))
    questions = list(version.questions.all())
    earlier = questions[: [q.pk for q in questions].index(question.pk)]
    form = QuestionForm(
        request.POST or None,
        initial=QuestionForm.initial_for(question),
        earlier=earlier,
    )
    if request.method == "POST" and "preview" not in request.POST and form.is_valid():
        response = _save_question(request, version, form, question)
        if response:
            return response
    return _question_page(request, version, form, question)


@require_POST
@admin_only
def question_preview(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """htmx: the live preview while a question is typed (nothing is saved)."""
    version = _draft(slug, number)
    pk = request.POST.get("question_pk", "")
    question = (
        get_object_or_404(Question, pk=pk, version=version) if pk.isdigit() else None
    )
    form = QuestionForm(request.POST, earlier=list(version.questions.all()))
    return render(
        request,
        "orders/forms/_preview.html",
        {
            "version": version,
            "preview": _live_preview(version, form, question),
            "live": True,
        },
    )


@require_POST
@admin_only
def question_move(
    request: HttpRequest, slug: str, number: int, pk: int
) -> HttpResponse:
    version = _draft(slug, number)
    question = get_object_or_404(Question, pk=pk, version=version)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    try:
        services.question_move(question=question, direction=direction)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_version_url(version) + f"#question-{question.pk}")


@require_POST
@admin_only
def question_remove(
    request: HttpRequest, slug: str, number: int, pk: int
) -> HttpResponse:
    version = _draft(slug, number)
    question = get_object_or_404(Question, pk=pk, version=version)
    try:
        services.question_remove(question=question)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Question {question.key} removed.")
    return redirect(_version_url(version))


# --- sections -------------------------------------------------------------------------


def _section_forms(
    version: OrderFormVersion, bound: SectionForm | None = None
) -> list[SectionForm]:
    """One form per section the questions name, in question order; `bound` (the
    one just posted, with its errors) takes its section's place."""
    rows = {s.name: s for s in version.sections.all()}
    names = list(dict.fromkeys(q.section for q in version.questions.all() if q.section))
    forms = []
    for name in names:
        if bound is not None and bound.data.get("name") == name:
            forms.append(bound)
            continue
        row = rows.get(name)
        initial = section_to_dict(row) if row else {"name": name, "repeating": False}
        forms.append(SectionForm(initial=initial))
    return forms


@require_http_methods(["GET", "POST"])
@readable
def version_sections(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Which sections of a version repeat (the lines of an order) and how often."""
    version = selectors.version_by_number(slug, number)
    bound = None
    if request.method == "POST":
        if not version.is_editable:
            messages.error(request, "Published and retired versions cannot be changed.")
            return redirect(_version_url(version))
        bound = SectionForm(request.POST)
        if bound.is_valid():
            try:
                services.section_set(version=version, item=bound.item())
            except ValidationError as error:
                form_errors_add(bound, error)
            else:
                name = bound.cleaned_data["name"]
                messages.success(request, f"Section {name} saved.")
                return redirect(
                    reverse("orderforms:version_sections", args=[slug, number])
                )
    return render(
        request,
        "orders/forms/version_sections.html",
        {"version": version, "section_forms": _section_forms(version, bound)},
    )
