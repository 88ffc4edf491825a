from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from communications.models import (
    Communication,
    CommunicationAttachment,
    NoticeTemplate,
    Offering,
    OutboundNotice,
)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """The log and the notices change only through their services and pages."""

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Communication)
class CommunicationAdmin(ReadOnlyAdmin):
    list_display = ["subject", "customer", "order", "kind", "direction", "occurred_at"]
    list_filter = ["kind", "direction", "channel", "follow_up"]
    search_fields = ["subject", "body", "customer__name", "order__number"]
    list_select_related = ["customer", "order"]


@admin.register(CommunicationAttachment)
class CommunicationAttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "communication", "size", "uploaded_at"]
    list_select_related = ["communication"]


@admin.register(OutboundNotice)
class OutboundNoticeAdmin(ReadOnlyAdmin):
    list_display = ["kind", "order", "to_address", "status", "attempts", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["order"]


@admin.register(Offering)
class OfferingAdmin(ReadOnlyAdmin):
    list_display = ["name", "order_form", "active", "position"]
    list_select_related = ["order_form"]


@admin.register(NoticeTemplate)
class NoticeTemplateAdmin(ReadOnlyAdmin):
    list_display = ["kind", "subject", "updated_at"]
