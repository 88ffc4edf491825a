from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from orderreview.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    # Accounts are deactivated, never deleted, and a username is never changed or
    # reused: signed records and history name people by it.
    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> tuple:
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, "username") if obj is not None else fields

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
