"""Django admin for the orders app.

Order forms: questions are edited inline on a draft version only; published and retired
versions are read-only here (and refused by the database trigger besides). Status
changes go through the same services as the builder.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from orders.models import Customer, Discipline, OrderForm, OrderFormVersion, Question
from orders.orderforms import document_checks
from orders.orderforms import services as orderform_services
from orders.orderforms.question_attributes import (
    QUESTION_ATTRIBUTES,
    QUESTION_MODEL_FIELDS,
)


@admin.register(Discipline)
class DisciplineAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list:
        # Signed records name a discipline by its slug: renaming it later would make
        # every record of that discipline differ from what was signed.
        return ["slug"] if obj is not None else []

    def get_prepopulated_fields(self, request: HttpRequest, obj: object = None) -> dict:
        return {} if obj is not None else self.prepopulated_fields


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "account_code", "contact_name", "email"]
    search_fields = ["name", "account_code", "contact_name", "email"]


class VersionInline(admin.TabularInline):
    model = OrderFormVersion
    fields = ["number", "status", "change_note", "published_at", "published_by"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OrderForm)
class OrderFormAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [VersionInline]
    actions = ["start_draft"]

    @admin.action(description="Start a new draft version (copies the published one)")
    def start_draft(self, request: HttpRequest, queryset: QuerySet[OrderForm]) -> None:
        for order_form in queryset:
            try:
                version = orderform_services.version_start_draft(
                    form=order_form, user=request.user
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request, f"{order_form.name}: draft v{version.number} started."
                )


class QuestionAdminForm(forms.ModelForm):
    """Checks each question with the import's rules (limits fitting its kind)."""

    class Meta:
        model = Question
        fields = QUESTION_MODEL_FIELDS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("kind") or not cleaned.get("discipline"):
            return cleaned
        item = {
            attribute.name: cleaned.get(attribute.name)
            for attribute in QUESTION_ATTRIBUTES
            if attribute.shape not in ("discipline", "show_if", "position")
        }
        item["discipline"] = cleaned["discipline"].slug
        slugs = {cleaned["discipline"].slug}
        # Show-if needs the other questions; the version-wide check runs on publish.
        for field, message in document_checks.question_problems(
            item, earlier={}, disciplines=slugs
        ):
            if field not in (None, "show_if"):
                self.add_error(field if field in self.fields else None, message)
        return cleaned


class QuestionInline(admin.StackedInline):
    model = Question
    form = QuestionAdminForm
    extra = 0
    ordering = ["position", "pk"]

    def _editable(self, obj: OrderFormVersion | None) -> bool:
        return obj is None or obj.is_editable

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(OrderFormVersion)
class OrderFormVersionAdmin(SimpleHistoryAdmin):
    list_display = ["form", "number", "status", "published_at"]
    list_filter = ["status", "form"]
    readonly_fields = [
        "form",
        "number",
        "status",
        "change_note",
        "created_by",
        "created_at",
        "published_by",
        "published_at",
    ]
    inlines = [QuestionInline]
    actions = ["retire"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # New versions come from "start a new draft", which copies the questions.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Retire the selected published versions")
    def retire(
        self, request: HttpRequest, queryset: QuerySet[OrderFormVersion]
    ) -> None:
        for version in queryset:
            try:
                orderform_services.version_retire(version=version)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, f"{version} retired.")
