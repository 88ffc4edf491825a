from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from orderreview.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    # Accounts are deactivated, never deleted: records keep naming their users.
    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
