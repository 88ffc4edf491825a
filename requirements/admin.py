"""Django admin for the requirements app: the awareness rules form admins keep."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from requirements.models import AwarenessRule


class AwarenessRuleForm(forms.ModelForm):
    class Meta:
        model = AwarenessRule
        fields = ["name", "discipline", "category", "users", "group", "active"]

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("users") and not cleaned.get("group"):
            raise forms.ValidationError("Name the people or the group to be told.")
        return cleaned


@admin.register(AwarenessRule)
class AwarenessRuleAdmin(SimpleHistoryAdmin):
    form = AwarenessRuleForm
    list_display = ["name", "discipline", "category", "group", "active"]
    list_filter = ["active", "discipline", "category"]
    filter_horizontal = ["users"]
