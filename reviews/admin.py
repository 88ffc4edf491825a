"""Read-only admin: reviews and signatures change only through reviews.services."""

from django.contrib import admin
from django.http import HttpRequest

from reviews.models import Assessment, Decision, Review, Signature


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: object | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: object | None = None
    ) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["requirement_set", "order", "state", "due_date", "opened_at"]
    list_filter = ["state"]
    list_select_related = ["requirement_set__order", "order"]
    search_fields = ["order__number"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = [
        "requirement",
        "discipline",
        "verdict",
        "assessed_by",
        "assessed_at",
    ]
    list_filter = ["verdict", "discipline"]
    list_select_related = ["requirement", "discipline", "assessed_by"]
    search_fields = ["review__order__number", "requirement__statement"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["review", "outcome", "decided_by", "decided_at"]
    list_filter = ["outcome"]
    list_select_related = ["review__requirement_set__order", "decided_by"]


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "printed_name",
        "meaning",
        "signed_at",
        "key_id",
        "signature_hash",
    ]
    search_fields = ["printed_name", "signature_hash"]
