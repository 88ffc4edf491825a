"""Django admin for the requirements app: the awareness rules form admins keep."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from orderreview import roles
from requirements.models import AwarenessRule


class AwarenessRuleForm(forms.ModelForm):
    class Meta:
        model = AwarenessRule
        fields = ["name", "discipline", "category", "users", "group", "active"]

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("users") and not cleaned.get("group"):
            raise forms.ValidationError("Name the people or the group to be told.")
        self._refuse_who_cannot_acknowledge(cleaned)
        return cleaned

    def _refuse_who_cannot_acknowledge(self, cleaned: dict) -> None:
        """A person told of a change must be able to open and acknowledge it (a
        role in roles.CHANGE_NOTIFIED), or their acknowledgement stays outstanding
        for ever."""
        people = list(cleaned.get("users") or [])
        group = cleaned.get("group")
        if group is not None and group.name not in roles.CHANGE_NOTIFIED:
            people += list(group.user_set.filter(is_active=True))
        unable = sorted(
            {
                user.printed_name
                for user in people
                if not roles.has_role(user, *roles.CHANGE_NOTIFIED)
            }
        )
        if unable:
            raise forms.ValidationError(
                f"{', '.join(unable)} cannot open or acknowledge change "
                f'notifications: give them the role "{roles.MADE_AWARE}" (or '
                "another role that is told of changes) first."
            )


@admin.register(AwarenessRule)
class AwarenessRuleAdmin(SimpleHistoryAdmin):
    form = AwarenessRuleForm
    list_display = ["name", "discipline", "category", "group", "active"]
    list_filter = ["active", "discipline", "category"]
    filter_horizontal = ["users"]
